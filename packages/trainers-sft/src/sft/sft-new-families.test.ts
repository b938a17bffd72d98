import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafetensorsFile, tf } from '@medgpt/core-tensor';
import { createTinyModel, type TinyModelOptions } from '@medgpt/models';
import type { LogEntry } from '@medgpt/trainer';
import { beforeAll, describe, expect, it } from 'vitest';
import { loraSmokeConfig, QUIET } from '../test-support/tiny-setup.js';
import { SftTrainer } from './sft-trainer.js';

const losses = (h: LogEntry[]) => h.filter((e) => e.loss !== undefined).map((e) => e.loss!);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Gemma 2 with soft-capping that bends, Gemma 3 with its local RoPE, Baichuan with RoPE and Baichuan2
// 13B-style (ALiBi, NormHead); the sliding layers see 16 of the 48 tokens.
const FAMILIES: [string, TinyModelOptions, string][] = [
  ['gemma2', { architecture: 'gemma2', slidingWindow: 16, config: { finalLogitSoftcapping: 5 } }, 'all'],
  ['gemma3', { architecture: 'gemma3_text', slidingWindow: 16 }, 'all'],
  ['baichuan (RoPE)', { architecture: 'baichuan' }, 'W_pack'],
  [
    'baichuan2 (ALiBi, NormHead)',
    { architecture: 'baichuan', config: { positionEncoding: 'alibi', normHead: true } },
    'W_pack,o_proj',
  ],
];

describe('LoRA SFT smoke run of each new family on the sample data', () => {
  it.each(FAMILIES)(
    '%s: the loss is finite and falls; the adapter holds the targets',
    async (_, options, targets) => {
      const dir = mkdtempSync(join(tmpdir(), 'medgpt-sft-family-'));
      const base = join(dir, 'base');
      await createTinyModel({ seed: 0, hiddenSize: 32, intermediateSize: 64, ...options }, base);
      const out = join(dir, 'lora');
      const before = tf.memory().numTensors;
      const result = await new SftTrainer(
        loraSmokeConfig(base, out, { target_modules: targets }),
        QUIET,
      ).train();
      expect(tf.memory().numTensors).toBe(before);
      const l = losses(result.train.logHistory);
      expect(l).toHaveLength(6);
      expect(l.every(Number.isFinite)).toBe(true);
      expect(l.at(-1)!).toBeLessThan(l[0]!);
      expect(result.saved).toBe('adapter');
      const adapter = await SafetensorsFile.open(join(out, 'adapter_model.safetensors'));
      const modules = new Set([...adapter.names].map((n) => n.split('.').at(-3)));
      await adapter.close();
      const config = JSON.parse(readFileSync(join(out, 'adapter_config.json'), 'utf8'));
      if (targets === 'all') expect(modules).toEqual(new Set(config.target_modules));
      else expect([...modules].sort()).toEqual(targets.split(',').sort());
    },
  );
});
