import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdamW, expectNoLeak, tf, valueAndGrads } from '@medgpt/core-tensor';
import { createTinyModel, loadModel } from '@medgpt/models';
import { loadTokenizer } from '@medgpt/tokenizer';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChoiceQuestion } from './choice-question.js';
import { choicePrompt } from './choice-prompt.js';
import { choiceRenderer } from './choice-renderer.js';
import { evaluateChoices } from './evaluate-choices.js';

/** 4 questions, one per answer letter: what the tiny model is taught. */
const STEMS = ['fever', 'cough', 'rash', 'burn'];
const QUESTIONS: ChoiceQuestion[] = STEMS.map((stem, i) => ({
  question: `${stem}: best first step?`,
  options: ['rest', 'surgery', 'fluids', 'x-ray'].map((text, j) => ({ letter: 'ABCD'[j]!, text })),
  answer: 'ABCD'[(i * 3) % 4]!,
  subject: i < 2 ? 'internal' : 'surgery',
  source: `mem:${i + 1}`,
}));

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'medgpt-eval-'));
  await createTinyModel({ seed: 3, hiddenSize: 64, intermediateSize: 128 }, dir);
});

describe('evaluateChoices', () => {
  it('scores the option letters after the prompt: near chance untrained, 100 % once trained on the set', async () => {
    const model = await loadModel(dir);
    const tokenizer = await loadTokenizer(dir);
    const render = choiceRenderer(tokenizer, 'none');
    const before = expectNoLeak(() =>
      evaluateChoices({ model, tokenizer, questions: QUESTIONS, render, batchSize: 3 }),
    );
    expect(before.total).toBe(4);
    expect(before.accuracy).toBeLessThanOrEqual(0.5);
    expect(before.predictions[0]!.logprobs).toHaveLength(4);

    // Teach the answers: full fine-tuning on prompt -> answer letter, the loss on the letter only.
    const vars = [...model.weights].map(([name, w]) => {
      const v = tf.variable(w, true, `eval-test/${name}`);
      model.setWeight(name, v);
      return v;
    });
    const rows = QUESTIONS.map((q) => {
      const ids = render(choicePrompt(q));
      return {
        ids: [...ids, tokenizer.encode(q.answer, { addSpecialTokens: false })[0]!],
        prompt: ids.length,
      };
    });
    const t = Math.max(...rows.map((r) => r.ids.length));
    const optimizer = new AdamW(vars, { lr: 5e-3, weightDecay: 0 });
    for (let step = 0; step < 150; step++) {
      const { value, grads } = valueAndGrads(
        () =>
          tf.tidy(() => {
            const ids = tf.tensor2d(
              rows.map((r) => [...r.ids, ...new Array<number>(t - r.ids.length).fill(0)]),
              [rows.length, t],
              'int32',
            );
            const mask = tf.tensor2d(
              rows.map((r) => Array.from({ length: t }, (_, j) => (j < r.ids.length ? 1 : 0))),
              [rows.length, t],
              'int32',
            );
            const labels = tf.tensor2d(
              rows.map((r) => Array.from({ length: t }, (_, j) => (j === r.prompt ? r.ids[j]! : -100))),
              [rows.length, t],
              'int32',
            );
            return model.loss({ inputIds: ids, attentionMask: mask }, labels);
          }),
        vars,
      );
      optimizer.step(grads);
      tf.dispose([value, ...Object.values(grads)]);
    }
    const after = evaluateChoices({ model, tokenizer, questions: QUESTIONS, render, batchSize: 5 });
    expect(after.accuracy).toBe(1);
    expect(after.subjects).toEqual({
      internal: { correct: 2, total: 2, accuracy: 1 },
      surgery: { correct: 2, total: 2, accuracy: 1 },
    });
    // k-shot: the prompt grows by solved examples of the same subject, never the question itself.
    const twoShot = evaluateChoices({ model, tokenizer, questions: QUESTIONS, render, shots: 2 });
    expect(twoShot.shots).toBe(2);
    expect(twoShot.total).toBe(4);
    optimizer.dispose();
    model.dispose();
  });

  it('writes k-shot prompts in C-Eval’s format', () => {
    const p = choicePrompt(QUESTIONS[1]!, [QUESTIONS[0]!]);
    expect(p).toBe(
      '以下是关于internal的单项选择题，请直接给出正确答案的选项。\n\n' +
        'fever: best first step?\nA. rest\nB. surgery\nC. fluids\nD. x-ray\n答案：A\n\n' +
        'cough: best first step?\nA. rest\nB. surgery\nC. fluids\nD. x-ray\n答案：',
    );
  });
});
