import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel, generate, loadModel } from '@medgpt/models';
import { loadChatTemplate } from '@medgpt/templates';
import { loadTokenizer } from '@medgpt/tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli-main.js';
import type { CliIo } from '../cli-io.js';
import { BUILT_IN_EXAMPLES } from '@medgpt/serving';
import { createForcedReplyModel } from '@medgpt/serving';

let root: string;
let tiny: string;
let forced: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-predict-'));
  tiny = join(root, 'tiny');
  forced = join(root, 'forced');
  await createTinyModel({ seed: 2, initializerRange: 0.5 }, tiny);
  await createForcedReplyModel(forced, { after: '\n', reply: 'OK' });
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function predict(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd: root,
    env: {},
  };
  const code = await main(['predict', '--backend', 'cpu', ...argv], io);
  return { code, stdout, stderr };
}

async function outputLines(file: string) {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { Input: string; Output: string | null; error?: string });
}

const LINES = [
  '{"instruction": "Fever?", "input": "38.5 °C"}',
  '"Cough?"',
  '{oops',
  '{"conversations": [{"from": "human", "value": "Q1"}, {"from": "gpt", "value": "A1"}, {"from": "human", "value": "Headache?"}]}',
  '{"foo": 1}',
  '{"messages": [{"role": "user", "content": "Rash?"}]}',
  '',
  '{"Input": "Nausea?"}',
];

describe('medgpt predict', () => {
  it('writes one line per input line, in order; bad lines are reported with their number (exit 1)', async () => {
    const data = join(root, 'questions.jsonl');
    await writeFile(data, `${LINES.join('\n')}\n`);
    const runs = [];
    for (const batch of ['3', '1']) {
      const out = join(root, `answers-${batch}.jsonl`);
      const run = await predict(
        '--base_model', tiny, '--data_file', 'questions.jsonl', '--output_file', out,
        '--eval_batch_size', batch, '--max_new_tokens', '5', '--temperature', '0',
      ); // prettier-ignore
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('questions.jsonl:3: error: invalid JSON');
      expect(run.stderr).toContain(
        'questions.jsonl:5: error: has none of the fields predict reads (keys: foo)',
      );
      expect(run.stderr).toContain('questions.jsonl:7: error: blank line');
      expect(run.stdout).toContain(`8 lines: 5 answered, 3 failed\nSaved to ${out}, size: 8`);
      runs.push(await outputLines(out));
    }
    const [batched, single] = runs;
    expect(batched!.map((o) => o.Input)).toEqual([
      'Fever?\n\n38.5 °C',
      'Cough?',
      '{oops',
      'Headache?',
      '{"foo": 1}',
      'Rash?',
      '',
      'Nausea?',
    ]);
    expect(batched!.map((o) => o.Output === null)).toEqual(LINES.map((_, i) => [2, 4, 6].includes(i)));
    expect(batched![2]!.error).toMatch(/^invalid JSON/);
    expect(batched).toEqual(single); // left-padded batches answer as single questions do

    // The answer of line 2 is the model's greedy answer to that question alone.
    const model = await loadModel(tiny);
    const tokenizer = await loadTokenizer(tiny);
    const prompt = (await loadChatTemplate(tiny)).render([{ role: 'user', content: 'Cough?' }], {
      addGenerationPrompt: true,
    });
    const { texts } = await generate(model, [tokenizer.encode(prompt)], {
      maxNewTokens: 5,
      doSample: false,
      tokenizer,
    });
    model.dispose();
    expect(batched![1]!.Output).toBe(texts[0]!.trim());
  });

  it('reads a text file one question per line and stops answers at eos or --stop_str', async () => {
    await writeFile(join(root, 'q.txt'), ' Fever? \nCough?\n');
    const tensors = tf.memory().numTensors;
    for (const [stop, answer] of [
      [[], 'OK'],
      [['--stop_str', 'K'], 'O'],
    ] as const) {
      const run = await predict(
        '--base_model', forced, '--data_file', 'q.txt', '--output-file', 'out/a.jsonl', '--max_new_tokens', '30',
        ...stop,
      ); // prettier-ignore
      expect(run.code).toBe(0);
      expect(await outputLines(join(root, 'out/a.jsonl'))).toEqual([
        { Input: 'Fever?', Output: answer },
        { Input: 'Cough?', Output: answer },
      ]);
    }
    expect(tf.memory().numTensors).toBe(tensors); // the model and every cache were freed
  });

  it('points a JSON array file to `medgpt convert`', async () => {
    await writeFile(join(root, 'array.json'), '[\n  {"instruction": "Fever?"}\n]\n');
    const run = await predict(
      '--base_model',
      forced,
      '--data_file',
      'array.json',
      '--output_file',
      'arr.jsonl',
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /array\.json:1: error: invalid JSON: .* \(expected .*medgpt convert --data_type json2jsonl`\)/,
    );
    expect((await outputLines(join(root, 'arr.jsonl'))).map((o) => o.Output)).toEqual([null, 'OK', null]);
  });

  it("asks inference.py's built-in questions without --data_file, into --predictions_file", async () => {
    const run = await predict('--base_model', forced, '--predictions_file', 'builtin.jsonl');
    expect(run.code).toBe(0);
    expect(await outputLines(join(root, 'builtin.jsonl'))).toEqual(
      BUILT_IN_EXAMPLES.map((q) => ({ Input: q, Output: 'OK' })),
    );
  });

  it('refuses a missing input file and a bad batch size before loading anything; writes nothing', async () => {
    const missing = await predict(
      '--base_model',
      forced,
      '--data_file',
      'none.jsonl',
      '--output_file',
      'x.jsonl',
    );
    expect([missing.code, missing.stderr]).toEqual([
      1,
      'medgpt predict: error: --data_file none.jsonl: no such file or directory\n',
    ]);
    const batch = await predict('--base_model', forced, '--eval_batch_size', '0', '--output_file', 'x.jsonl');
    expect(batch.code).toBe(2);
    expect(existsSync(join(root, 'x.jsonl'))).toBe(false);
  });
});
