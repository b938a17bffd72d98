// The generic trainer: transformers' Trainer for one process. This file sets a run up (arguments,
// optimizer, schedule, data stream, resume); loop/run-loop.ts runs its steps.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

// defines: tensors' RNG, optimizer, schedule
import { Generator, getScheduler, MultiTensorAdamW, weightDecayParamGroups } from '@medgpt/core-tensor';
// defines: the resumable, seeded data stream
import { ResumableBatchIterator } from '@medgpt/data';

import { listCheckpoints, removeUnfinishedCheckpoints } from './checkpoint/checkpoint-dirs.js';
import { checkCheckpoint } from './checkpoint/checkpoint-manifest.js';
import { readTrainerCheckpoint, type RunState } from './checkpoint/trainer-checkpoint.js';
import { MetricsFile, METRICS_FILE } from './logging/metrics-file.js';
import { ProgressBar, type ProgressStream } from './logging/progress-bar.js';
import { evaluateLoss, type EvalMetrics } from './loop/evaluate-loss.js';
import { precisionPolicy, type PrecisionPolicy } from './loop/precision-policy.js';
import { RunLoop, type TrainResult } from './loop/run-loop.js';
import { StopSignals } from './loop/stop-signals.js';
import { resolveTrainingArguments, type TrainingArgumentsInput } from './resolve-training-arguments.js';
import type { TrainerCallback } from './trainer-callback.js';
import { initialTrainerState, type TrainerState } from './trainer-state.js';
import type { TrainingArguments } from './training-arguments.js';
import { planTraining, type TrainingPlan } from './training-plan.js';
import type { TrainingTask } from './training-task.js';

export interface TrainerOptions<E, B> {
  args: TrainingArgumentsInput;
  task: TrainingTask<E, B>;
  trainDataset: readonly E[];
  /** Needed when eval_strategy is not 'no'. */
  evalDataset?: readonly E[];
  /** Example lengths, for --group_by_length. */
  exampleLength?: (example: E) => number;
  callbacks?: readonly TrainerCallback[];
  /** Where plain log lines go (default: stdout). */
  log?: (line: string) => void;
  /** Where the progress bar draws, on a TTY only (default process.stderr); false: no bar. */
  progress?: ProgressStream | false;
  /** Save and stop on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
}

/**
 * Trains a task's variables on a dataset with transformers' Trainer semantics (accumulation with a
 * token-mean loss per step, AdamW, HF schedules, clipping, eval every N steps, checkpoints every N
 * steps with save_total_limit, exact resume).
 *
 * ```ts
 * const trainer = new Trainer({ args: { output_dir: 'out', max_steps: 100 }, task, trainDataset });
 * const result = await trainer.train(); // checkpoints, metrics.jsonl, trainer_state.json, loss.svg
 * ```
 */
export class Trainer<E, B> {
  readonly args: TrainingArguments;
  private readonly task: TrainingTask<E, B>;
  private readonly log: (line: string) => void;
  private readonly generator: Generator;
  private progress: ProgressBar | null = null;
  private current: TrainerState | null = null;

  constructor(private readonly options: TrainerOptions<E, B>) {
    this.args = resolveTrainingArguments(options.args);
    this.task = options.task;
    this.log = options.log ?? ((line) => void process.stdout.write(`${line}\n`));
    this.generator = new Generator(this.args.seed);
    if (options.trainDataset.length === 0) throw new Error('Trainer: the training dataset is empty');
    if (this.args.eval_strategy !== 'no' && !options.evalDataset?.length) {
      throw new Error(
        `Trainer: --eval_strategy ${this.args.eval_strategy} needs evaluation data ` +
          '(--validation_file_dir, or --validation_split_percentage > 0)',
      );
    }
    if (this.args.group_by_length && !options.exampleLength) {
      throw new Error("Trainer: --group_by_length needs the examples' lengths (the exampleLength option)");
    }
  }

  /** The state of the running (or last) train() call: global_step, log_history ... */
  get state(): TrainerState | null {
    return this.current;
  }

  /** transformers' evaluate(): eval_loss and perplexity on the evaluation data. */
  evaluate(): EvalMetrics {
    const data = this.options.evalDataset;
    if (!data?.length) throw new Error('evaluate: no evaluation dataset was given');
    return evaluateLoss(this.task, data, this.args.per_device_eval_batch_size, this.generator);
  }

  async train(): Promise<TrainResult> {
    const args = this.args;
    await mkdir(args.output_dir, { recursive: true });
    await removeUnfinishedCheckpoints(args.output_dir);
    const resumeDir = await this.resumeDir();
    // torch's AdamW arithmetic to the bit, one kernel per parameter group (torch's multi-tensor path).
    const optimizer = new MultiTensorAdamW(
      weightDecayParamGroups([...this.task.parameters], args.weight_decay),
      {
        lr: args.learning_rate,
        betas: [args.adam_beta1, args.adam_beta2],
        eps: args.adam_epsilon,
      },
    );
    const signals = new StopSignals((line) => this.print(line));
    try {
      const resumed = resumeDir
        ? await readTrainerCheckpoint(resumeDir, { loadWeights: (d) => this.task.loadWeights(d), optimizer })
        : undefined;
      const iterator = this.iterator(resumed);
      const plan = planTraining(args, iterator.batchesPerEpoch);
      const schedule = getScheduler({
        name: args.lr_scheduler_type,
        baseLr: args.learning_rate,
        numWarmupSteps: plan.warmupSteps,
        numTrainingSteps: plan.maxSteps,
        kwargs: args.lr_scheduler_kwargs,
      });
      const precision = precisionPolicy(args);
      const state = this.startState(plan, resumed, precision);
      const metrics = new MetricsFile(join(args.output_dir, METRICS_FILE));
      await (resumed ? metrics.truncateAfter(state.global_step) : metrics.reset());
      const stream =
        this.options.progress === false || args.disable_tqdm
          ? null
          : (this.options.progress ?? process.stderr);
      this.progress = new ProgressBar(stream, plan.maxSteps);
      this.progress.start(state.global_step);
      this.printHeader(plan, resumeDir, state.global_step);
      if (this.options.handleSignals ?? true) signals.install();
      return await new RunLoop({
        args,
        task: this.task,
        state,
        plan,
        schedule,
        precision,
        optimizer,
        iterator,
        generator: this.generator,
        evalDataset: this.options.evalDataset,
        callbacks: this.options.callbacks ?? [],
        metrics,
        signals,
        progress: this.progress,
        print: (line) => this.print(line),
        resumeDir,
      }).execute();
    } finally {
      this.progress?.done();
      signals.dispose();
      optimizer.dispose();
      this.task.takeMetrics?.('train'); // a run that threw leaves no metric sums on the device
    }
  }

  private print(line: string): void {
    this.progress?.clear();
    this.log(line);
  }

  private async resumeDir(): Promise<string | undefined> {
    const r = this.args.resume_from_checkpoint;
    if (r === null || r === false) return undefined;
    if (typeof r === 'string') {
      const problem = await checkCheckpoint(r);
      if (problem !== undefined) {
        throw new Error(`cannot resume from ${r}: ${problem}; resume from an older checkpoint instead`);
      }
      return r;
    }
    const all = await listCheckpoints(this.args.output_dir);
    if (all.length === 0) {
      throw new Error(`--resume_from_checkpoint true: ${this.args.output_dir} has no checkpoint-* directory`);
    }
    // Newest first; a damaged one is reported and skipped, as if it had never been written.
    for (const { dir } of all.reverse()) {
      const problem = await checkCheckpoint(dir);
      if (problem === undefined) return dir;
      this.print(`warning: ${dir} is damaged: ${problem}; trying the checkpoint before it`);
    }
    throw new Error(
      `--resume_from_checkpoint true: no checkpoint in ${this.args.output_dir} is complete (see the warnings above)`,
    );
  }

  private iterator(resumed: RunState | undefined): ResumableBatchIterator<E> {
    const a = this.args;
    const data = this.options.trainDataset;
    const length = this.options.exampleLength;
    return new ResumableBatchIterator(
      data,
      {
        batchSize: a.per_device_train_batch_size,
        seed: a.data_seed ?? a.seed,
        order: a.group_by_length ? 'length-grouped' : 'random',
        lengths: a.group_by_length && length ? data.map(length) : undefined,
        dropLast: a.dataloader_drop_last,
      },
      resumed?.data,
    );
  }

  private startState(
    plan: TrainingPlan,
    resumed: RunState | undefined,
    precision: PrecisionPolicy,
  ): TrainerState {
    const fresh = initialTrainerState({
      maxSteps: plan.maxSteps,
      numTrainEpochs: plan.numTrainEpochs,
      loggingSteps: plan.loggingSteps,
      evalSteps: plan.evalSteps,
      saveSteps: plan.saveSteps,
      trainBatchSize: this.args.per_device_train_batch_size,
    });
    if (resumed) {
      this.generator.setState(resumed.generator);
      precision.loadState(resumed.precision);
      if (resumed.task !== undefined) this.task.setRandomState?.(resumed.task);
      if (resumed.state.max_steps !== plan.maxSteps) {
        this.print(
          `warning: the checkpoint was made for ${resumed.state.max_steps} steps and this run has ` +
            `${plan.maxSteps}; the learning-rate schedule follows this run`,
        );
      }
    }
    this.current = resumed
      ? { ...fresh, ...resumed.state, max_steps: plan.maxSteps, num_train_epochs: plan.numTrainEpochs }
      : fresh;
    return this.current;
  }

  private printHeader(plan: TrainingPlan, resumeDir: string | undefined, step: number): void {
    const a = this.args;
    const n = (x: number) => x.toLocaleString('en-US');
    const params = this.task.parameters.reduce((sum, v) => sum + v.size, 0);
    for (const line of [
      '***** Running training *****',
      `  Num examples = ${n(this.options.trainDataset.length)}`,
      `  Num Epochs = ${n(plan.numTrainEpochs)}`,
      `  Instantaneous batch size per device = ${n(a.per_device_train_batch_size)}`,
      `  Total train batch size (w. accumulation) = ${n(a.per_device_train_batch_size * a.gradient_accumulation_steps)}`,
      `  Gradient Accumulation steps = ${a.gradient_accumulation_steps}`,
      `  Total optimization steps = ${n(plan.maxSteps)} (warmup ${plan.warmupSteps})`,
      `  Number of trainable parameters = ${n(params)}`,
      ...(resumeDir ? [`  Continuing from ${resumeDir} at global step ${step}`] : []),
    ])
      this.print(line);
  }
}
