// SFT of a tiny Llama as 2 processes on CPU (torchrun's variables, TCP collectives) against 1 process
// with the same global batch: the same loss curve, one set of outputs written by rank 0.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import { MetricsFile } from '@medgpt/trainer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleChild, removeChild } from '../../../tools/test-support/bundle-child.mjs';

const SFT_DATA = new URL('../../../data/medicalgpt/sft/medical_sft_1K_format.jsonl', import.meta.url)
  .pathname;
const work = mkdtempSync(join(tmpdir(), 'medgpt-sft-ddp-'));

function config(outputDir: string, base: string, perDevice: number) {
  return {
    stage: 'sft',
    config: {
      model_name_or_path: base,
      train_file_dir: SFT_DATA,
      output_dir: outputDir,
      use_peft: false,
      torch_dtype: 'float32',
      model_max_length: 48,
      max_train_samples: 16,
      validation_split_percentage: 0,
      per_device_train_batch_size: perDevice,
      gradient_accumulation_steps: 2,
      max_steps: 3,
      learning_rate: 2e-3,
      logging_steps: 1,
      save_steps: 100,
      seed: 7,
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function run(script: string, cfg: object, env: Record<string, string> = {}) {
  const file = join(work, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(cfg));
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [script, file], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

const losses = async (dir: string): Promise<number[]> =>
  (await MetricsFile.inDir(dir).read()).flatMap((m) => (m.loss === undefined ? [] : [m.loss]));

describe('SFT data parallel (2 processes on CPU)', () => {
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

  it('gives the loss curve of 1 process with the same global batch; rank 0 writes the model', async () => {
    const one = join(work, 'one');
    const single = await run(script, config(one, base, 4));
    expect(single.code, single.out).toBe(0);

    const two = join(work, 'two');
    const port = String(await freePort());
    const ranks = await Promise.all(
      [0, 1].map((rank) =>
        run(script, config(two, base, 2), {
          RANK: String(rank),
          LOCAL_RANK: String(rank),
          WORLD_SIZE: '2',
          LOCAL_WORLD_SIZE: '2',
          MASTER_ADDR: '127.0.0.1',
          MASTER_PORT: port,
        }),
      ),
    );
    for (const r of ranks) expect(r.code, r.out).toBe(0);
    const want = await losses(one);
    const got = await losses(two);
    expect(got).toHaveLength(3);
    got.forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 4));
    expect(ranks[0]!.out).toContain('Total train batch size (w. parallel, distributed & accumulation) = 8');
    expect(ranks[1]!.out).not.toContain('Running training');
    expect(readdirSync(two).sort()).toEqual(readdirSync(one).sort());
  });
});
