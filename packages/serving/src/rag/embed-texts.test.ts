import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel, loadModel, type CausalLM } from '@medgpt/models';
import type { Tokenizer } from '@medgpt/tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedTexts } from './embed-texts.js';

let model: CausalLM;
let tokenizer: Tokenizer;
beforeAll(async () => {
  await tf.setBackend('cpu');
  const made = await createTinyModel(
    { architecture: 'qwen2', seed: 3 },
    mkdtempSync(join(tmpdir(), 'embed-')),
  );
  tokenizer = made.tokenizer;
  model = await loadModel(made.dir);
});
afterAll(() => model.dispose());

const norm = (v: Float32Array) => Math.hypot(...v);
const expectClose = (a: Float32Array, b: Float32Array, tol = 1e-5) => {
  expect(a.length).toBe(b.length);
  expect(Math.max(...a.map((x, i) => Math.abs(x - b[i]!)))).toBeLessThan(tol);
};

describe('embedTexts', () => {
  it("is the L2-normalised mean of the text's final hidden states", async () => {
    const text = '发热 fever';
    const [v] = await embedTexts(model, tokenizer, [text]);
    const ids = tokenizer.encode(text);
    const want = tf.tidy(() => {
      const hidden = model.hiddenStates({ inputIds: tf.tensor2d([ids], [1, ids.length], 'int32') });
      const mean = tf.mean(hidden, 0);
      return tf.div(mean, tf.norm(mean)).dataSync() as Float32Array;
    });
    expect(v!.length).toBe(model.config.hiddenSize);
    expectClose(v!, want);
  });

  it('gives identical texts identical vectors, each of length 1', async () => {
    const out = await embedTexts(model, tokenizer, [
      '咳嗽三周',
      'a much longer text about a cough',
      '咳嗽三周',
    ]);
    expect([...out[2]!]).toEqual([...out[0]!]);
    for (const v of out) expect(norm(v)).toBeCloseTo(1, 5);
  });

  it('does not depend on the batch: padding is masked out of attention and the mean', async () => {
    const short = '头痛';
    const long = '头痛伴呕吐要警惕颅内压升高, and a long English tail to pad the short one';
    const [alone] = await embedTexts(model, tokenizer, [short]);
    const together = await embedTexts(model, tokenizer, [short, long, 'x'], { batchSize: 3 });
    const oneByOne = await embedTexts(model, tokenizer, [short, long, 'x'], { batchSize: 1 });
    expectClose(together[0]!, alone!);
    together.forEach((v, i) => expectClose(v, oneByOne[i]!));
  });

  it('cuts each text to maxLength tokens', async () => {
    const [cut, prefix] = await embedTexts(model, tokenizer, ['abcdefgh', 'abc'], { maxLength: 3 });
    expectClose(cut!, prefix!);
  });

  it('frees every tensor it makes', async () => {
    await embedTexts(model, tokenizer, ['warm up']);
    const before = tf.memory().numTensors;
    await embedTexts(model, tokenizer, ['a', 'bb bb', 'ccc ccc ccc', '发热'], { batchSize: 3 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('returns nothing for no texts, and refuses an empty text or a bad option', async () => {
    expect(await embedTexts(model, tokenizer, [])).toEqual([]);
    await expect(embedTexts(model, tokenizer, ['ok', ''])).rejects.toThrow('texts[1] has no tokens to embed');
    await expect(embedTexts(model, tokenizer, ['ok'], { batchSize: 0 })).rejects.toThrow(
      'batchSize must be a positive integer, got 0',
    );
  });
});
