import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { TextEmbedder } from './text-embedder.js';

const root = mkdtempSync(join(tmpdir(), 'text-embedder-'));
beforeAll(() => tf.setBackend('cpu'));

describe('TextEmbedder', () => {
  it('loads a causal LM and embeds with it, identified by name and hidden size', async () => {
    const { dir } = await createTinyModel(
      { architecture: 'llama', hiddenSize: 32, seed: 2 },
      join(root, 'llama'),
    );
    const embedder = await TextEmbedder.load(dir, { name: 'tiny-llama', batchSize: 2 });
    try {
      expect(embedder.id).toEqual({ name: 'tiny-llama', dimension: 32 });
      const [a, b] = await embedder.embed(['发热', 'fever']);
      expect([...(await embedder.embedQuery('fever'))]).toEqual([...b!]);
      expect(a!.length).toBe(32);
    } finally {
      embedder.dispose();
    }
  });

  it("refuses an encoder such as text2vec's BERT, saying which models work", async () => {
    const dir = join(root, 'bert');
    mkdirSync(dir);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: 768 }));
    await expect(TextEmbedder.load(dir)).rejects.toThrow(
      /'bert' is not supported; supported: .*sentence encoders such as BERT \(text2vec\) are not supported/,
    );
  });
});
