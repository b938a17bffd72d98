import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { resolveTrainingArguments } from './resolve-training-arguments.js';

const dir = mkdtempSync(join(tmpdir(), 'medgpt-ds-args-'));
const dsFile = (json: unknown) => {
  const path = join(dir, `ds-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(json));
  return path;
};
const error = (input: Record<string, unknown>): string => {
  try {
    resolveTrainingArguments({ output_dir: 'out', ...input });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('no error');
};

describe('resolveTrainingArguments: multi-process options', () => {
  it('takes --zero_stage from --deepspeed, and HF defaults for ddp_timeout', () => {
    const ds = dsFile({ zero_optimization: { stage: 1 }, gradient_clipping: 'auto' });
    expect(resolveTrainingArguments({ output_dir: 'out', deepspeed: ds })).toMatchObject({
      zero_stage: 1,
      ddp_timeout: 1800,
    });
    expect(resolveTrainingArguments({ output_dir: 'out', deepspeed: ds, zero_stage: 1 }).zero_stage).toBe(1);
  });

  it('refuses ZeRO-2/3, disagreeing stages and fixed values, naming the flag', () => {
    expect(error({ zero_stage: 2 })).toMatch(
      /^--zero_stage is 2; expected 0 or 1 \(gradient sharding \(ZeRO-2\) is not supported/,
    );
    const zero3 = dsFile({ zero_optimization: { stage: 3 } });
    expect(error({ deepspeed: zero3 })).toMatch(
      /^--deepspeed is ".*"; expected a DeepSpeed config medgpt can run \(zero_optimization.stage in --deepspeed .* is 3: parameter sharding/,
    );
    const zero1 = dsFile({ zero_optimization: { stage: 1 }, train_micro_batch_size_per_gpu: 4 });
    expect(error({ deepspeed: zero1, zero_stage: 0 })).toMatch(
      /^--zero_stage is 0; expected 1, the zero_optimization.stage of --deepspeed/,
    );
    expect(error({ deepspeed: zero1, per_device_train_batch_size: 2 })).toMatch(
      /values that agree with the training arguments \(train_micro_batch_size_per_gpu 4 in .* vs --per_device_train_batch_size 2\)/,
    );
    expect(error({ ddp_timeout: 0 })).toBe('--ddp_timeout is 0; expected a number of seconds > 0');
  });
});
