// kill -9 in the middle of training, then --resume_from_checkpoint: the steps after the checkpoint give
// the losses of an uninterrupted run, and the final model is the same bytes.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import { MetricsFile, type LogEntry } from '@medgpt/trainer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleChild, removeChild } from '../../../tools/test-support/bundle-child.mjs';

const SFT_DATA = new URL('../../../data/medicalgpt/sft/medical_sft_1K_format.jsonl', import.meta.url)
  .pathname;
const work = mkdtempSync(join(tmpdir(), 'medgpt-kill-'));

function config(outputDir: string, base: string, resume = false) {
  return {
    stage: 'sft',
    config: {
      model_name_or_path: base,
      train_file_dir: SFT_DATA,
      output_dir: outputDir,
      use_peft: false,
      torch_dtype: 'float32',
      model_max_length: 48,
      max_train_samples: 24,
      validation_split_percentage: 0,
      per_device_train_batch_size: 2,
      gradient_accumulation_steps: 2,
      num_train_epochs: 2,
      learning_rate: 2e-3,
      warmup_steps: 2,
      logging_steps: 1,
      save_steps: 3,
      save_total_limit: 2,
      seed: 7,
      ...(resume ? { resume_from_checkpoint: true } : {}),
    },
  };
}

/** Runs the child on `cfg`; resolves with its exit code and output. `onSpawn` may kill it. */
function runChild(
  script: string,
  cfg: object,
  env: Record<string, string> = {},
  onSpawn?: (c: ChildProcess) => void,
) {
  const file = join(work, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(cfg));
  return new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [script, file], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code, signal) => resolve({ code, signal, out }));
    onSpawn?.(child);
  });
}

const losses = async (dir: string): Promise<LogEntry[]> =>
  (await MetricsFile.inDir(dir).read()).filter((m) => m.loss !== undefined);

describe('kill -9 during training, then resume', () => {
  let script: string;
  let base: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    script = await bundleChild(new URL('./test-support/train-child.ts', import.meta.url).pathname);
    base = join(work, 'base');
    await createTinyModel({ seed: 3, hiddenSize: 32, intermediateSize: 64 }, base);
  });
  afterAll(async () => {
    if (script) await removeChild(script);
  });

  it('continues with the losses and final weights of an uninterrupted run', async () => {
    const straight = join(work, 'straight');
    const full = await runChild(script, config(straight, base));
    expect(full.code, full.out).toBe(0);

    const killed = join(work, 'killed');
    const first = await runChild(
      script,
      config(killed, base),
      { MEDGPT_TEST_STEP_DELAY_MS: '150' },
      (child) => {
        const timer = setInterval(() => {
          if (existsSync(join(killed, 'checkpoint-6'))) {
            clearInterval(timer);
            child.kill('SIGKILL');
          }
        }, 20);
        child.on('exit', () => clearInterval(timer));
      },
    );
    expect(first.signal, first.out).toBe('SIGKILL');
    const stepsBeforeKill = (await losses(killed)).length;
    expect(stepsBeforeKill).toBeGreaterThanOrEqual(6);
    expect(stepsBeforeKill).toBeLessThan((await losses(straight)).length);

    const resumed = await runChild(script, config(killed, base, true));
    expect(resumed.code, resumed.out).toBe(0);
    expect(resumed.out).toMatch(/Continuing from .*checkpoint-(6|9) at global step (6|9)/);

    const expected = await losses(straight);
    const got = await losses(killed);
    expect(got.map((m) => m.step)).toEqual(expected.map((m) => m.step));
    expect(got.map((m) => m.loss)).toEqual(expected.map((m) => m.loss)); // exact: same bits
    expect(readFileSync(join(killed, 'model.safetensors'))).toEqual(
      readFileSync(join(straight, 'model.safetensors')),
    );
    expect(readdirSync(killed).filter((n) => n.startsWith('.checkpoint'))).toEqual([]);
  });
});
