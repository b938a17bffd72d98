import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteLossError } from './non-finite-loss-error.js';
import { toyDataset, ToyLmTask } from './test-support/toy-lm-task.js';
import { Trainer, type TrainerOptions } from './trainer.js';
import type { ToyBatch, ToyExample } from './test-support/toy-lm-task.js';
import type { TrainerCallback } from './trainer-callback.js';
import type { LogEntry } from './trainer-state.js';

const data = toyDataset(24);
const evalData = toyDataset(6, 9);

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'medgpt-trainer-'));
}

function trainer(
  task: ToyLmTask,
  args: Partial<TrainerOptions<ToyExample, ToyBatch>['args']>,
  lines: string[] = [],
  callbacks: TrainerCallback[] = [],
) {
  return new Trainer({
    args: { output_dir: tempDir(), learning_rate: 0.05, logging_steps: 1, save_steps: 1000, ...args },
    task,
    trainDataset: data,
    evalDataset: evalData,
    log: (line) => lines.push(line),
    progress: false,
    handleSignals: false,
    callbacks,
  });
}

const losses = (history: LogEntry[]) =>
  history.filter((e) => e.loss !== undefined).map((e) => [e.step, e.loss]);

describe('Trainer', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('trains: the loss falls; logs, evaluates, checkpoints with rotation; writes state, metrics and plot; leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const task = new ToyLmTask();
    const lines: string[] = [];
    const t = trainer(
      task,
      {
        num_train_epochs: 4,
        per_device_train_batch_size: 4,
        gradient_accumulation_steps: 2,
        warmup_ratio: 0.1,
        lr_scheduler_type: 'cosine',
        eval_strategy: 'steps',
        eval_steps: 4,
        save_steps: 3,
        save_total_limit: 2,
        weight_decay: 0.01,
      },
      lines,
    );
    const result = await t.train();
    const out = t.args.output_dir;
    // 24 rows / 4 = 6 micro-batches per epoch -> 3 steps per epoch, 4 epochs.
    expect(result.globalStep).toBe(12);
    expect(result.stopReason).toBe('completed');
    const trainLogs = result.logHistory.filter((e) => e.loss !== undefined);
    expect(trainLogs).toHaveLength(12);
    expect(trainLogs.at(-1)!.loss).toBeLessThan(0.8 * trainLogs[0]!.loss!);
    const evals = result.logHistory.filter((e) => e.eval_loss !== undefined);
    expect(evals.map((e) => e.step)).toEqual([4, 8, 12]);
    expect(evals[2]!.eval_perplexity).toBeCloseTo(Math.exp(evals[2]!.eval_loss!), 10);
    expect(trainLogs.every((e) => e.grad_norm! > 0 && e.tokens_per_second! > 0)).toBe(true);
    // Checkpoints at 3, 6, 9, 12; only the newest two are kept.
    expect(
      readdirSync(out)
        .filter((n) => n.startsWith('checkpoint-'))
        .sort(),
    ).toEqual(['checkpoint-12', 'checkpoint-9']);
    for (const f of [
      'model.safetensors',
      'optimizer.safetensors',
      'optimizer.json',
      'scheduler.json',
      'rng_state.json',
      'data_state.json',
      'trainer_state.json',
      'training_args.json',
    ])
      expect(existsSync(join(out, 'checkpoint-12', f)), f).toBe(true);
    const state = JSON.parse(readFileSync(join(out, 'trainer_state.json'), 'utf8'));
    expect(state).toMatchObject({
      global_step: 12,
      max_steps: 12,
      num_train_epochs: 4,
      logging_steps: 1,
      eval_steps: 4,
      save_steps: 3,
    });
    expect(state.epoch).toBeCloseTo(4, 10);
    const metrics = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(metrics).toEqual(JSON.parse(JSON.stringify(result.logHistory)));
    expect(readFileSync(join(out, 'loss.svg'), 'utf8')).toMatch(/^<svg[^]*<polyline[^]*<\/svg>$/);
    expect(lines.some((l) => /^step 12\/12 \| epoch 4\.00 \| loss \d/.test(l))).toBe(true);
    expect(lines).toContain('  Total optimization steps = 12 (warmup 2)');
    task.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('makes gradient accumulation a token mean over the step: 2 x 2 rows equals 1 x 4 rows', async () => {
    const run = async (bs: number, ga: number) => {
      const task = new ToyLmTask();
      const result = await trainer(task, {
        max_steps: 4,
        per_device_train_batch_size: bs,
        gradient_accumulation_steps: ga,
        save_strategy: 'no',
      }).train();
      const weights = task.snapshot();
      task.dispose();
      return { losses: losses(result.logHistory), weights };
    };
    const accumulated = await run(2, 2);
    const whole = await run(4, 1);
    for (const [i, [step, loss]] of accumulated.losses.entries()) {
      expect(step).toBe(whole.losses[i]![0]);
      expect(loss).toBeCloseTo(whole.losses[i]![1]!, 5);
    }
    expect(accumulated.weights[0]![5]).toBeCloseTo(whole.weights[0]![5]!, 5);
  });

  it("awaits the task's prepare before each step's gradients, and trains on what it returns", async () => {
    // A prepare that replaces every row's labels by one token: the step losses are then those of that
    // target (different from the collated labels' from the first step on) and fall as it is learnt.
    const plainTask = new ToyLmTask();
    const args = { max_steps: 6, gradient_accumulation_steps: 2, save_strategy: 'no' } as const;
    const plain = losses((await trainer(plainTask, args).train()).logHistory).map(([, loss]) => loss!);
    plainTask.dispose();
    const task = new ToyLmTask();
    const seen: number[] = [];
    const prepared = Object.assign(task, {
      prepare: async (batches: readonly ToyBatch[], context: { step: number }) => {
        seen.push(context.step);
        await new Promise((resolve) => setImmediate(resolve));
        return batches.map((b) => ({ ...b, shifted: b.shifted.map((l) => (l === -100 ? l : 5)) }));
      },
    });
    const result = await trainer(prepared, args).train();
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    const l = losses(result.logHistory).map(([, loss]) => loss!);
    expect(l[0]).not.toBeCloseTo(plain[0]!, 4); // without prepare the runs are identical
    expect(l.at(-1)!).toBeLessThan(l[0]! - 0.3);
    task.dispose();
  });

  it('resumes from a checkpoint with the losses and weights of an uninterrupted run', async () => {
    const args = {
      num_train_epochs: 2,
      per_device_train_batch_size: 3,
      gradient_accumulation_steps: 2,
      save_steps: 2,
    };
    const taskA = new ToyLmTask();
    const full = trainer(taskA, args);
    const fullResult = await full.train();
    const fullWeights = taskA.snapshot();
    taskA.dispose();
    expect(fullResult.globalStep).toBe(8);

    const taskB = new ToyLmTask(7); // other initial weights: resume must overwrite them
    const out = tempDir();
    await cp(join(full.args.output_dir, 'checkpoint-4'), join(out, 'checkpoint-4'), { recursive: true });
    const resumed = new Trainer({
      args: { output_dir: out, learning_rate: 0.05, logging_steps: 1, ...args, resume_from_checkpoint: true },
      task: taskB,
      trainDataset: data,
      log: () => undefined,
      progress: false,
      handleSignals: false,
    });
    const result = await resumed.train();
    expect(result.globalStep).toBe(8);
    const after = (h: LogEntry[]) => losses(h).filter(([step]) => step! > 4);
    expect(after(result.logHistory)).toEqual(after(fullResult.logHistory));
    expect(losses(result.logHistory).slice(0, 4)).toEqual(losses(fullResult.logHistory).slice(0, 4));
    expect(taskB.snapshot()).toEqual(fullWeights);
    taskB.dispose();
  });

  describe('a damaged checkpoint on resume', () => {
    const args = {
      num_train_epochs: 2,
      per_device_train_batch_size: 3,
      gradient_accumulation_steps: 2,
      save_steps: 2,
    };
    let fullDir: string;
    let fullLosses: (number | undefined)[][];
    let fullWeights: number[][];
    beforeAll(async () => {
      const task = new ToyLmTask();
      const full = trainer(task, args);
      fullLosses = losses((await full.train()).logHistory);
      fullWeights = task.snapshot();
      fullDir = full.args.output_dir;
      task.dispose();
    });

    async function resumeWith(damage: (newest: string) => void, resume: true | string = true) {
      const out = tempDir();
      for (const step of [4, 6]) {
        await cp(join(fullDir, `checkpoint-${step}`), join(out, `checkpoint-${step}`), { recursive: true });
      }
      damage(join(out, 'checkpoint-6'));
      const lines: string[] = [];
      const task = new ToyLmTask(7);
      const t = new Trainer({
        args: {
          output_dir: out,
          learning_rate: 0.05,
          logging_steps: 1,
          ...args,
          resume_from_checkpoint: resume === true ? true : join(out, resume),
        },
        task,
        trainDataset: data,
        log: (line) => lines.push(line),
        progress: false,
        handleSignals: false,
      });
      try {
        const result = await t.train();
        return { result, lines, weights: task.snapshot() };
      } finally {
        task.dispose();
      }
    }

    it.each([
      ['truncated weights', 'model.safetensors', (f: string) => truncateSync(f, statSync(f).size - 5)],
      ['missing optimizer state', 'optimizer.safetensors', (f: string) => rmSync(f)],
      [
        'garbled JSON of the same size',
        'rng_state.json',
        (f: string) => writeFileSync(f, '#'.repeat(statSync(f).size)),
      ],
    ])('%s: names the file and resumes from the checkpoint before', async (_, file, damage) => {
      const { result, lines, weights } = await resumeWith((dir) => damage(join(dir, file)));
      const warning = lines.find((l) => l.startsWith('warning:'));
      expect(warning).toMatch(new RegExp(`checkpoint-6 is damaged: ${file.replace('.', '\\.')}`));
      expect(lines.join('\n')).toMatch(/Continuing from .*checkpoint-4 at global step 4/);
      expect(losses(result.logHistory).filter(([s]) => s! > 4)).toEqual(fullLosses.filter(([s]) => s! > 4));
      expect(weights).toEqual(fullWeights);
    });

    it('stops with the file named when the damaged checkpoint was asked for by path', async () => {
      await expect(
        resumeWith((dir) => rmSync(join(dir, 'trainer_state.json')), 'checkpoint-6'),
      ).rejects.toThrow(/cannot resume from .*checkpoint-6: trainer_state\.json is missing/);
    });
  });

  it('saves a checkpoint and returns on SIGINT', async () => {
    const task = new ToyLmTask();
    const t = new Trainer({
      args: {
        output_dir: tempDir(),
        max_steps: 10,
        per_device_train_batch_size: 4,
        save_steps: 100,
        logging_steps: 5,
      },
      task,
      trainDataset: data,
      log: () => undefined,
      progress: false,
      callbacks: [{ onStepEnd: (c) => void (c.state.global_step === 3 && process.emit('SIGINT')) }],
    });
    const result = await t.train();
    expect(result).toMatchObject({ stopReason: 'signal', signal: 'SIGINT', globalStep: 3 });
    expect(result.lastCheckpoint).toBe(join(t.args.output_dir, 'checkpoint-3'));
    expect(process.listenerCount('SIGINT')).toBe(0);
    task.dispose();
  });

  it('skips a step whose loss is NaN (weights unchanged), or stops with a clear error', async () => {
    const lines: string[] = [];
    const task = new ToyLmTask();
    task.poisonCall = 2;
    const weightsAt: number[][][] = [];
    const t = trainer(task, { max_steps: 3, per_device_train_batch_size: 4, save_strategy: 'no' }, lines, [
      { onStepEnd: () => void weightsAt.push(task.snapshot()) },
    ]);
    const before = task.snapshot();
    const result = await t.train();
    expect(result.globalStep).toBe(3);
    expect(weightsAt[1]).toEqual(weightsAt[0]);
    expect(weightsAt[0]).not.toEqual(before);
    expect(lines.some((l) => /^warning: step 2 .* loss NaN .*skipped/.test(l))).toBe(true);
    task.dispose();

    const stopping = new ToyLmTask();
    stopping.poisonCall = 2;
    const s = trainer(stopping, {
      max_steps: 3,
      per_device_train_batch_size: 4,
      save_steps: 1,
      nan_inf_policy: 'stop',
    });
    const err = await s.train().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect((err as Error).message).toContain(`step 2 (epoch 0) has loss NaN`);
    expect((err as Error).message).toContain(join(s.args.output_dir, 'checkpoint-1'));
    stopping.dispose();
  });
});
