import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { tf } from '@medgpt/core-tensor';
import { loadTokenizer } from '@medgpt/tokenizer';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluatePerplexity } from './evaluate-perplexity.js';

// tools/fixtures/check_perplexity.py: transformers' sliding-window perplexity of the committed tiny
// model on the committed text, token by token in float64 ("exact"), and the HF guide's own weighting.
interface TransformersCase {
  max_length: number;
  stride: number;
  windows: number;
  tokens: number;
  mean_nll: number;
  perplexity: number;
  guide_perplexity: number;
}
const dir = fileURLToPath(new URL('../fixtures/perplexity-check/', import.meta.url));
const expected = JSON.parse(readFileSync(`${dir}transformers-perplexity.json`, 'utf8')) as {
  text_tokens: number;
  input_ids: number[];
  cases: TransformersCase[];
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('perplexity equals transformers on the same model and file', () => {
  it("tokenises the file to transformers' ids", async () => {
    const ids = (await loadTokenizer(`${dir}model`)).encode(await readFile(`${dir}text.txt`, 'utf8'));
    expect(ids).toEqual(expected.input_ids);
  });

  it.each(expected.cases.map((c) => [`max_length ${c.max_length}, stride ${c.stride}`, c] as const))(
    '%s',
    async (_, c) => {
      const r = await evaluatePerplexity({
        model: `${dir}model`,
        filePath: `${dir}text.txt`,
        maxLength: c.max_length,
        stride: c.stride,
      });
      expect([r.textTokens, r.windows, r.tokens]).toEqual([expected.text_tokens, c.windows, c.tokens]);
      // float32 forward on both sides; summed in float64 on both.
      expect(Math.abs(r.meanNll - c.mean_nll)).toBeLessThan(2e-6);
      expect(Math.abs(r.perplexity / c.perplexity - 1)).toBeLessThan(1e-5);
    },
  );
});
