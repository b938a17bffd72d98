import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deepSpeedMismatches, readDeepSpeedConfig } from './deepspeed-config.js';

const dir = mkdtempSync(join(tmpdir(), 'medgpt-ds-'));
const file = (name: string, json: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(json));
  return path;
};

// MedicalGPT's scripts/zero1.json and zero2.json, abridged.
const ZERO1 = {
  optimizer: { type: 'AdamW', params: { lr: 'auto', torch_adam: true, adam_w_mode: true } },
  zero_optimization: { stage: 1 },
  gradient_accumulation_steps: 'auto',
  gradient_clipping: 'auto',
  train_batch_size: 'auto',
  train_micro_batch_size_per_gpu: 'auto',
};

describe('readDeepSpeedConfig', () => {
  it("reads MedicalGPT's zero1.json: stage 1, nothing fixed", () => {
    expect(readDeepSpeedConfig(file('zero1.json', ZERO1))).toEqual({
      source: join(dir, 'zero1.json'),
      zeroStage: 1,
      fixed: {},
    });
    expect(readDeepSpeedConfig('{"zero_optimization": {"stage": 0}}').zeroStage).toBe(0);
  });

  it('refuses ZeRO-2 and ZeRO-3, saying what runs instead', () => {
    const zero2 = file('zero2.json', { ...ZERO1, zero_optimization: { stage: 2, overlap_comm: true } });
    expect(() => readDeepSpeedConfig(zero2)).toThrow(
      `zero_optimization.stage in --deepspeed ${zero2} is 2: gradient sharding (ZeRO-2) is not supported. medgpt runs stage 0`,
    );
    expect(() => readDeepSpeedConfig('{"zero_optimization": {"stage": 3}}')).toThrow(
      /parameter sharding \(ZeRO-3\) is not supported.*--zero_stage 1/,
    );
  });

  it('names the file for unreadable or invalid configs and offload', () => {
    expect(() => readDeepSpeedConfig(join(dir, 'missing.json'))).toThrow(
      /--deepspeed .*missing.json: cannot read it \(ENOENT\)/,
    );
    expect(() => readDeepSpeedConfig(file('bad.json', 'x').replace('bad', 'bad'))).toThrow(
      /expected a JSON object/,
    );
    const offload = { zero_optimization: { stage: 1, offload_optimizer: { device: 'cpu' } } };
    expect(() => readDeepSpeedConfig(JSON.stringify(offload))).toThrow(/offload_optimizer.device is "cpu"/);
  });

  it('lists fixed values that disagree with the training arguments', () => {
    const config = readDeepSpeedConfig(
      JSON.stringify({ ...ZERO1, gradient_clipping: 0.5, train_micro_batch_size_per_gpu: 4 }),
    );
    expect(deepSpeedMismatches(config, { max_grad_norm: 1, per_device_train_batch_size: 4 })).toEqual([
      'gradient_clipping 0.5 in inline JSON vs --max_grad_norm 1',
    ]);
  });
});
