import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectNoLeak, tf } from '@medgpt/core-tensor';
import { createTinyModel, loadModel } from '@medgpt/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { PeftModel } from '../peft-model.js';
import { baseDir, fixtureBatch, loadBase, logitsOf, maxDiffAtMask } from '../test-support.js';
import { mergePeftAdapter } from './merge-peft-adapter.js';
import { resizeTokenEmbeddings } from './resize-token-embeddings.js';
import { tokenizerLength } from './tokenizer-length.js';

const root = mkdtempSync(join(tmpdir(), 'medgpt-peft-merge-'));
beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('mergePeftAdapter', () => {
  it('resizes the vocabulary to the tokenizer (--resize_emb), folds LoRA and modules_to_save in, copies the tokenizer', () =>
    expectNoLeak(async () => {
      const tokenizerDir = join(root, 'tokenizer');
      await createTinyModel({ architecture: 'llama', seed: 1 }, tokenizerDir);
      const n = await tokenizerLength(tokenizerDir);
      expect(n).toBe(JSON.parse(readFileSync(join(tokenizerDir, 'config.json'), 'utf8')).vocab_size);

      // The vocabulary-extension workflow: resize the base, train LoRA plus embed_tokens and lm_head.
      const model = resizeTokenEmbeddings(await loadBase('llama'), n);
      const peft = new PeftModel(model);
      const adapter = peft.addAdapter(
        'default',
        {
          target_modules: 'all',
          r: 2,
          lora_alpha: 4,
          init_lora_weights: false,
          modules_to_save: ['embed_tokens', 'lm_head'],
        },
        { seed: 3 },
      );
      tf.tidy(() => {
        for (const v of adapter.parameters.values())
          v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.1, 'float32', 5)));
      });
      const batch = fixtureBatch('llama');
      const expected = logitsOf(model, batch);
      await peft.saveAdapter(join(root, 'adapter'));
      peft.dispose();
      model.dispose();

      const out = join(root, 'merged');
      const lines: string[] = [];
      const report = await mergePeftAdapter({
        baseModel: baseDir('llama'),
        loraModel: join(root, 'adapter'),
        tokenizerPath: tokenizerDir,
        resizeEmb: true,
        outputDir: out,
        log: (l) => lines.push(l),
      });
      expect(report.resized).toEqual([64, n]);
      expect(report.mergedLayers).toBe(14);
      expect(report.copied).toEqual(
        expect.arrayContaining(['tokenizer.json', 'tokenizer_config.json', 'generation_config.json']),
      );
      expect(lines[2]).toBe(`Resizing token embeddings: 64 -> ${n}`);
      expect(existsSync(join(out, 'tokenizer.json'))).toBe(true);
      const merged = await loadModel(out);
      expect(merged.config.vocabSize).toBe(n);
      expect(maxDiffAtMask(logitsOf(merged, batch), expected, batch.attention_mask)).toBeLessThan(1e-5);
      merged.dispose();
    }));

  it('refuses an adapter whose embeddings do not fit the base, pointing at --resize_emb, and frees everything', () =>
    expectNoLeak(async () => {
      await expect(
        mergePeftAdapter({
          baseModel: baseDir('llama'),
          loraModel: join(root, 'adapter'),
          outputDir: join(root, 'bad'),
        }),
      ).rejects.toThrow(
        /(lm_head|embed_tokens)\.weight": has shape \[\d+,16\]; expected \[64,16\] \(a resized vocabulary: resize the base model first, e.g. merge --resize_emb\)/,
      );
      expect(existsSync(join(root, 'bad'))).toBe(false);
    }));
});
