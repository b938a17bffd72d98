// The generic trainer: transformers' Trainer, in one process or one rank of several (torchrun /
// medgpt launch). This file sets a run up (arguments, process group, optimizer, schedule, data stream,
// resume); loop/run-loop.ts runs its steps.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

// defines: tensors' RNG, decay groups, schedule
import { Generator, getScheduler, tf, weightDecayParamGroups } from '@medgpt/core-tensor';
// defines: the resumable, seeded data stream
import { ResumableBatchIterator } from '@medgpt/data';
// defines: the process group of a multi-process run
import { initProcessGroup, readDistributedEnv, type Communicator } from '@medgpt/distributed';

import { listCheckpoints, removeUnfinishedCheckpoints } from './checkpoint/checkpoint-dirs.js';
import { checkCheckpoint } from './checkpoint/checkpoint-manifest.js';
import {
  readDistributedCheckpoint,
  readTrainerCheckpoint,
  type RunState,
} from './checkpoint/trainer-checkpoint.js';
import { MetricsFile, METRICS_FILE } from './logging/metrics-file.js';
import { ProgressBar, type ProgressStream } from './logging/progress-bar.js';
import { evaluateLoss, type EvalMetrics } from './loop/evaluate-loss.js';
import { parameterUpdate, type ParameterUpdate } from './loop/parameter-update.js';
import { precisionPolicy, type PrecisionPolicy } from './loop/precision-policy.js';
import { RunLoop, type TrainResult } from './loop/run-loop.js';
import { StopSignals } from './loop/stop-signals.js';
import { World } from './loop/world.js';
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
  /**
   * The process group of a multi-process run. Default: when torchrun's variables say WORLD_SIZE > 1
   * (torchrun or `medgpt launch` started this process), the group is joined through the rendezvous
   * on MASTER_ADDR:MASTER_PORT (initProcessGroup; leave it with destroyProcessGroup when done).
   * null: one process, whatever the environment.
   */
  communicator?: Communicator | null;
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
  private world: World | null = null;

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

  /**
   * Whether this process is rank 0 of its run (always, in one process): the one that logs, evaluates
   * and writes checkpoints and the final model (HF's is_world_process_zero).
   */
  get isWorldProcessZero(): boolean {
    if (this.world) return this.world.isMain;
    if (this.options.communicator !== undefined) return (this.options.communicator?.rank ?? 0) === 0;
    return (readDistributedEnv()?.rank ?? 0) === 0;
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
    const world = new World(await this.joinGroup());
    this.world = world;
    if (world.isMain) {
      await mkdir(args.output_dir, { recursive: true });
      await removeUnfinishedCheckpoints(args.output_dir);
    }
    await world.barrier();
    const resumeDir = world.isMain ? await this.resumeDir() : undefined;
    const resumeFrom = world.comm ? await world.comm.broadcastObject(resumeDir ?? null) : resumeDir;
    // torch's AdamW arithmetic to the bit, one kernel per parameter group (torch's multi-tensor path);
    // across ranks, the gradients summed in buckets first, or the state sharded (ZeRO-1).
    const params = [...this.task.parameters];
    const update = parameterUpdate(
      params,
      weightDecayParamGroups(params, args.weight_decay),
      {
        lr: args.learning_rate,
        betas: [args.adam_beta1, args.adam_beta2],
        eps: args.adam_epsilon,
        weightDecay: args.weight_decay,
      },
      world.comm,
      args.zero_stage,
    );
    const signals = new StopSignals((line) => this.print(line));
    try {
      const resumed = resumeFrom ? await this.readCheckpoint(resumeFrom, update, world) : undefined;
      // DDP's start: every rank begins from rank 0's weights.
      if (world.comm) await broadcastParameters(world.comm, params);
      const iterator = this.iterator(resumed, world.size);
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
      if (world.isMain) await (resumed ? metrics.truncateAfter(state.global_step) : metrics.reset());
      const stream =
        this.options.progress === false || args.disable_tqdm || !world.isMain
          ? null
          : (this.options.progress ?? process.stderr);
      this.progress = new ProgressBar(stream, plan.maxSteps);
      this.progress.start(state.global_step);
      this.printHeader(plan, resumeFrom ?? undefined, state.global_step, update, world);
      if (this.options.handleSignals ?? true) signals.install();
      return await new RunLoop({
        args,
        task: this.task,
        state,
        plan,
        schedule,
        precision,
        update,
        iterator,
        world,
        generator: this.generator,
        evalDataset: this.options.evalDataset,
        callbacks: this.options.callbacks ?? [],
        metrics,
        signals,
        progress: this.progress,
        print: (line) => this.print(line),
        resumeDir: resumeFrom ?? undefined,
      }).execute();
    } catch (err) {
      // The other ranks stop now, with this rank's reason, instead of at their next collective.
      world.comm?.abort(`${(err as Error).message}`);
      throw err;
    } finally {
      this.progress?.done();
      signals.dispose();
      update.dispose();
      this.task.takeMetrics?.('train'); // a run that threw leaves no metric sums on the device
    }
  }

  /** Rank 0's lines only: the others would repeat them. */
  private print(line: string): void {
    if (this.world && !this.world.isMain) return;
    this.progress?.clear();
    this.log(line);
  }

  /** The given communicator, else the group torchrun's variables describe, else none. */
  private async joinGroup(): Promise<Communicator | null> {
    if (this.options.communicator !== undefined) return this.options.communicator;
    const place = readDistributedEnv();
    if (place === null || place.worldSize === 1) return null;
    return initProcessGroup({ place, timeoutMs: this.args.ddp_timeout * 1000 });
  }

  /**
   * Restores a checkpoint on this rank: its world size must be this run's (the data shards and each
   * rank's random state depend on it); rank r > 0 takes its own random state (rng_state_<r>.json).
   */
  private async readCheckpoint(dir: string, update: ParameterUpdate, world: World): Promise<RunState> {
    const distributed = await readDistributedCheckpoint(dir, world.rank);
    if (distributed.worldSize !== world.size) {
      throw new Error(
        `cannot resume from ${dir}: it was written by a run of ${distributed.worldSize} process` +
          `${distributed.worldSize === 1 ? '' : 'es'} and this run has ${world.size}; resume with the same ` +
          `number of processes (--nproc_per_node x --nnodes = ${distributed.worldSize}), since each rank's ` +
          'rows of the data and its random state depend on it',
      );
    }
    const resumed = await readTrainerCheckpoint(dir, {
      loadWeights: (d) => this.task.loadWeights(d),
      optimizer: update.resumeTarget,
    });
    return distributed.random ? { ...resumed, ...distributed.random } : resumed;
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

  /**
   * The stream of global micro-batches: per_device_train_batch_size x world size rows, in the order a
   * single process with that micro-batch would take them; each rank trains on its slice (World.shard).
   * So per_device_train_batch_size x world size x gradient_accumulation_steps rows make one optimizer
   * step, as in transformers' Trainer under DDP.
   */
  private iterator(resumed: RunState | undefined, worldSize: number): ResumableBatchIterator<E> {
    const a = this.args;
    const data = this.options.trainDataset;
    const length = this.options.exampleLength;
    return new ResumableBatchIterator(
      data,
      {
        batchSize: a.per_device_train_batch_size * worldSize,
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

  private printHeader(
    plan: TrainingPlan,
    resumeDir: string | undefined,
    step: number,
    update: ParameterUpdate,
    world: World,
  ): void {
    const a = this.args;
    const n = (x: number) => x.toLocaleString('en-US');
    const params = this.task.parameters.reduce((sum, v) => sum + v.size, 0);
    const total = a.per_device_train_batch_size * a.gradient_accumulation_steps * world.size;
    for (const line of [
      '***** Running training *****',
      `  Num examples = ${n(this.options.trainDataset.length)}`,
      `  Num Epochs = ${n(plan.numTrainEpochs)}`,
      `  Instantaneous batch size per device = ${n(a.per_device_train_batch_size)}`,
      ...(world.size > 1 || a.zero_stage > 0 ? [`  Processes = ${world.size} (${update.description})`] : []),
      `  Total train batch size (w. ${world.size > 1 ? 'parallel, distributed & ' : ''}accumulation) = ${n(total)}`,
      `  Gradient Accumulation steps = ${a.gradient_accumulation_steps}`,
      `  Total optimization steps = ${n(plan.maxSteps)} (warmup ${plan.warmupSteps})`,
      `  Number of trainable parameters = ${n(params)}`,
      ...(resumeDir ? [`  Continuing from ${resumeDir} at global step ${step}`] : []),
    ])
      this.print(line);
  }
}

/** Sets every rank's parameters to rank 0's (one broadcast of all of them, flattened). */
async function broadcastParameters(comm: Communicator, params: readonly tf.Variable[]): Promise<void> {
  if (params.length === 0) return;
  const flat = tf.tidy(() => tf.concat(params.map((p) => tf.reshape(p, [-1]))));
  let shared: tf.Tensor;
  try {
    shared = await comm.broadcast(flat, 0);
  } finally {
    flat.dispose();
  }
  const parts = tf.tidy(() =>
    tf
      .split(
        shared,
        params.map((p) => p.size),
      )
      .map((t, i) => tf.reshape(t, params[i]!.shape)),
  );
  shared.dispose();
  params.forEach((p, i) => p.assign(parts[i]!));
  tf.dispose(parts);
}
