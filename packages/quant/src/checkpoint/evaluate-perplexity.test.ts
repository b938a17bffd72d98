import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel, loadModel, perplexity } from '@medgpt/models';
import { loadTokenizer } from '@medgpt/tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluatePerplexity } from './evaluate-perplexity.js';
import { quantizeCheckpoint } from './quantize-checkpoint.js';

let root: string;
let dir: string;
let text: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-eval-ppl-'));
  dir = (
    await createTinyModel({ architecture: 'llama', seed: 21, maxPositionEmbeddings: 64 }, join(root, 'm'))
  ).dir;
  text = join(root, 'text.txt');
  await writeFile(text, 'The patient was given 5 mg of the drug twice a day.\nNo fever since Monday.\n');
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('evaluatePerplexity', () => {
  it('equals models’ perplexity on the tokenised text; defaults to the context and half of it', async () => {
    const before = tf.memory().numTensors;
    const r = await evaluatePerplexity({ model: dir, filePath: text });
    expect(tf.memory().numTensors).toBe(before);
    expect([r.maxLength, r.stride, r.quantization]).toEqual([64, 32, null]);
    const model = await loadModel(dir);
    const ids = (await loadTokenizer(dir)).encode(await readFile(text, 'utf8'));
    const direct = perplexity(model, ids, { maxLength: 64, stride: 32 });
    model.dispose();
    expect(r.textTokens).toBe(ids.length);
    expect(r.tokens).toBe(ids.length - 1);
    expect(r.perplexity).toBe(direct.perplexity);
  });

  it('reads a quantised checkpoint, whose perplexity is near the original’s', async () => {
    const q = join(root, 'q8');
    await quantizeCheckpoint({ model: dir, outputDir: q, bits: 8 });
    const a = await evaluatePerplexity({ model: dir, filePath: text, maxLength: 16, stride: 16 });
    const b = await evaluatePerplexity({ model: q, filePath: text, maxLength: 16, stride: 16 });
    expect(b.quantization?.load_in_8bit).toBe(true);
    expect(b.tokens).toBe(a.tokens);
    expect(b.perplexity).not.toBe(a.perplexity);
    expect(Math.abs(Math.log(b.perplexity / a.perplexity))).toBeLessThan(0.05);
  });

  it('names the file when it is missing or empty, and refuses a window longer than the context', async () => {
    await expect(evaluatePerplexity({ model: dir, filePath: join(root, 'none.txt') })).rejects.toThrow(
      `${join(root, 'none.txt')}: cannot read the text file`,
    );
    const empty = join(root, 'empty.txt');
    await writeFile(empty, '\n');
    await expect(evaluatePerplexity({ model: dir, filePath: empty })).rejects.toThrow(`${empty}: is empty`);
    await expect(evaluatePerplexity({ model: dir, filePath: text, maxLength: 65 })).rejects.toThrow(
      "max_length 65 is longer than the model's context (max_position_embeddings 64)",
    );
  });
});
