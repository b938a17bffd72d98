// Data parallel on CPU: the toy LM trained by 2 processes (medgpt launch's launcher, TCP collectives)
// against 1 process with the same global batch, DDP against ZeRO-1, and resume across world sizes.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { launch } from '@medgpt/distributed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleChild, removeChild } from '../../../tools/test-support/bundle-child.mjs';
import { toyDataset, ToyLmTask } from './test-support/toy-lm-task.js';
import { MetricsFile } from './logging/metrics-file.js';
import { Trainer } from './trainer.js';

const work = mkdtempSync(join(tmpdir(), 'medgpt-ddp-'));
const ROWS = 24;
/** 24 rows, 8 per optimizer step: 2 ranks x 2 rows x 2 accumulated micro-batches = 1 x 4 x 2. */
const common = {
  gradient_accumulation_steps: 2,
  learning_rate: 0.05,
  max_steps: 6,
  logging_steps: 1,
  eval_strategy: 'steps' as const,
  eval_steps: 3,
  save_steps: 3,
  weight_decay: 0.01,
  max_grad_norm: 0.5, // clipping is active: the global norm must be the same
  seed: 5,
};

let child: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  child = await bundleChild(new URL('./test-support/data-parallel-child.ts', import.meta.url).pathname);
});
afterAll(async () => {
  if (child) await removeChild(child);
  rmSync(work, { recursive: true, force: true });
});

interface Run {
  losses: number[];
  evalLosses: number[];
  weights: number[][][];
  /** Per rank: the most tensor bytes held at the end of a step. */
  heldBytes: number[];
  output: string;
}

async function metrics(dir: string): Promise<{ losses: number[]; evalLosses: number[] }> {
  const entries = await MetricsFile.inDir(dir).read();
  return {
    losses: entries.flatMap((e) => (e.loss === undefined ? [] : [e.loss])),
    evalLosses: entries.flatMap((e) => (e.eval_loss === undefined ? [] : [e.eval_loss])),
  };
}

async function launched(name: string, args: Record<string, unknown>, nproc = 2): Promise<Run> {
  const output_dir = join(work, name);
  const config = join(work, `${name}.json`);
  writeFileSync(config, JSON.stringify({ rows: ROWS, args: { output_dir, ...common, ...args } }));
  let output = '';
  const result = await launch({
    nprocPerNode: nproc,
    command: [process.execPath, child, config],
    stdout: (t) => (output += t),
    stderr: (t) => (output += t),
    forwardSignals: false,
  });
  expect(result.exitCode, output).toBe(0);
  const results = [...output.matchAll(/^\[rank \d\] RESULT (.*)$/gm)].map(
    (m) => JSON.parse(m[1]!) as { weights: number[][]; heldBytes: number },
  );
  return {
    ...(await metrics(output_dir)),
    weights: results.map((r) => r.weights),
    heldBytes: results.map((r) => r.heldBytes),
    output,
  };
}

async function single(name: string, args: Record<string, unknown>): Promise<Run> {
  const output_dir = join(work, name);
  const task = new ToyLmTask();
  const lines: string[] = [];
  await new Trainer({
    args: { output_dir, ...common, ...args },
    task,
    trainDataset: toyDataset(ROWS),
    evalDataset: toyDataset(6, 9),
    progress: false,
    handleSignals: false,
    communicator: null,
    log: (l) => lines.push(l),
  }).train();
  const weights = [task.snapshot()];
  task.dispose();
  return { ...(await metrics(output_dir)), weights, heldBytes: [], output: lines.join('\n') };
}

function expectClose(got: number[], want: number[], digits = 5): void {
  expect(got).toHaveLength(want.length);
  got.forEach((x, i) => expect(x, `element ${i}`).toBeCloseTo(want[i]!, digits));
}

describe('data parallel training (2 processes on CPU)', () => {
  let ddp: Run;

  it('follows the loss curve of 1 process with the same global batch; every rank ends with the same weights', async () => {
    const one = await single('one', { per_device_train_batch_size: 4 });
    ddp = await launched('ddp', { per_device_train_batch_size: 2 });
    expect(ddp.losses).toHaveLength(6);
    expectClose(ddp.losses, one.losses);
    expectClose(ddp.evalLosses, one.evalLosses);
    expect(ddp.weights).toHaveLength(2);
    expect(ddp.weights[1]).toEqual(ddp.weights[0]); // identical optimizer steps on every rank
    ddp.weights[0]!.forEach((w, i) => expectClose(w, one.weights[0]![i]!));
    // Rank 0 alone logs and writes.
    expect(ddp.output).toMatch(
      /\[rank 0\] {3}Total train batch size \(w\. parallel, distributed & accumulation\) = 8/,
    );
    expect(ddp.output).toMatch(/\[rank 0\] {3}Processes = 2 \(AdamW, data parallel over 2 ranks \(tcp\)\)/);
    expect(ddp.output).not.toMatch(/\[rank 1\] .*(Running training|saved|step \d)/);
    expect(JSON.parse(readFileSync(join(work, 'ddp', 'checkpoint-6', 'distributed.json'), 'utf8'))).toEqual({
      world_size: 2,
      zero_stage: 0,
    });
  });

  it('ZeRO-1 follows DDP’s curve, and resumes from its checkpoint (same world size) as if never stopped', async () => {
    const zero = await launched('zero', { per_device_train_batch_size: 2, zero_stage: 1 });
    expect(zero.output).toMatch(
      /Processes = 2 \(ZeRO-1 AdamW: optimizer state sharded over 2 ranks \(tcp\)\)/,
    );
    expectClose(zero.losses, ddp.losses);
    zero.weights[0]!.forEach((w, i) => expectClose(w, ddp.weights[0]![i]!));
    expect(zero.weights[1]).toEqual(zero.weights[0]);
    // Each rank holds AdamW state for half of the 256 parameters: 1 KiB less than DDP's ranks.
    expect(ddp.heldBytes.map((b, r) => b - zero.heldBytes[r]!)).toEqual([1024, 1024]);

    // The checkpoint holds the whole optimizer state (gathered), in the same files as DDP's.
    const optimizer = (run: string) =>
      JSON.parse(readFileSync(join(work, run, 'checkpoint-3', 'optimizer.json'), 'utf8')) as {
        params: object;
      };
    expect(Object.keys(optimizer('zero').params)).toEqual(Object.keys(optimizer('ddp').params));

    cpSync(join(work, 'zero'), join(work, 'zero-resumed'), { recursive: true });
    rmSync(join(work, 'zero-resumed', 'checkpoint-6'), { recursive: true });
    const resumed = await launched('zero-resumed', {
      per_device_train_batch_size: 2,
      zero_stage: 1,
      resume_from_checkpoint: true,
    });
    expect(resumed.output).toMatch(/Continuing from .*checkpoint-3 at global step 3/);
    expect(resumed.losses).toEqual(zero.losses); // exact: the same sums in the same order
    expect(resumed.weights[0]).toEqual(zero.weights[0]);
  });

  it('refuses to resume a 2-process checkpoint with another world size, saying what to do', async () => {
    const task = new ToyLmTask();
    const trainer = new Trainer({
      args: {
        output_dir: join(work, 'ddp'),
        ...common,
        eval_strategy: 'no',
        per_device_train_batch_size: 4,
        resume_from_checkpoint: true,
      },
      task,
      trainDataset: toyDataset(ROWS),
      progress: false,
      handleSignals: false,
      communicator: null,
      log: () => undefined,
    });
    await expect(trainer.train()).rejects.toThrow(
      /cannot resume from .*checkpoint-6: it was written by a run of 2 processes and this run has 1; resume with the same number of processes \(--nproc_per_node x --nnodes = 2\)/,
    );
    task.dispose();
  });
});
