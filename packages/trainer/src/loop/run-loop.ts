// The steps of one train() call: forward/backward over an accumulation group, clipping, the NaN
// guard, the AdamW step at the schedule's learning rate, then HF's flow (log, evaluate, save). In a
// multi-process run each rank takes its rows of every global micro-batch, the gradients are combined
// across ranks (ParameterUpdate), and rank 0 alone logs, evaluates and writes, the others waiting.
import { join } from 'node:path';
import { tf, type Generator, type LrSchedule, writeTextAtomic } from '@medgpt/core-tensor';
import type { ResumableBatchIterator } from '@medgpt/data';
import { CHECKPOINT_PREFIX, rotateCheckpoints, writeCheckpointDir } from '../checkpoint/checkpoint-dirs.js';
import { writeTrainerCheckpoint } from '../checkpoint/trainer-checkpoint.js';
import { formatLogLine } from '../logging/format-log-line.js';
import { memoryUsage } from '../logging/memory-usage.js';
import type { MetricsFile } from '../logging/metrics-file.js';
import type { ProgressBar } from '../logging/progress-bar.js';
import { renderLossPlot } from '../logging/render-loss-plot.js';
import { NonFiniteLossError } from '../non-finite-loss-error.js';
import type { CallbackContext, TrainerCallback, TrainerControl } from '../trainer-callback.js';
import { trainerStateJson, type LogEntry, type TrainerState } from '../trainer-state.js';
import type { TrainingArguments } from '../training-arguments.js';
import type { TrainingPlan } from '../training-plan.js';
import type { TrainingTask } from '../training-task.js';
import { nextAccumulationGroup } from './accumulation-groups.js';
import { evaluateLoss } from './evaluate-loss.js';
import type { ParameterUpdate } from './parameter-update.js';
import type { PrecisionPolicy } from './precision-policy.js';
import { stepGradients } from './step-gradients.js';
import type { StopSignal, StopSignals } from './stop-signals.js';
import type { World } from './world.js';

/** Why train() returned. */
export type StopReason = 'completed' | 'callback' | 'signal';

export interface TrainResult {
  globalStep: number;
  /** Mean step loss over the steps this call ran. */
  trainLoss: number;
  /** The summary entry: train_runtime, train_samples_per_second, train_loss ... */
  metrics: LogEntry;
  stopReason: StopReason;
  signal?: StopSignal;
  /** The newest checkpoint written (or resumed from). */
  lastCheckpoint?: string;
  logHistory: LogEntry[];
}

/** Everything one train() call works with. */
export interface RunParts<E, B> {
  args: TrainingArguments;
  task: TrainingTask<E, B>;
  state: TrainerState;
  plan: TrainingPlan;
  schedule: LrSchedule;
  precision: PrecisionPolicy;
  /** AdamW, with the gradients combined across ranks in a multi-process run. */
  update: ParameterUpdate;
  /** The iterator of global micro-batches (per_device_train_batch_size x world size rows). */
  iterator: ResumableBatchIterator<E>;
  world: World;
  generator: Generator;
  evalDataset: readonly E[] | undefined;
  callbacks: readonly TrainerCallback[];
  metrics: MetricsFile;
  signals: StopSignals;
  progress: ProgressBar;
  print(line: string): void;
  /** The checkpoint this run resumed from. */
  resumeDir: string | undefined;
}

/** Numbers accumulated between two training logs. */
interface LogWindow {
  lossSum: number;
  steps: number;
  tokens: number;
  since: number;
  gradNorm: number;
  lr: number;
}

const NO_CONTROL: TrainerControl = {
  shouldLog: false,
  shouldEvaluate: false,
  shouldSave: false,
  shouldTrainingStop: false,
};

export class RunLoop<E, B> {
  private readonly started = performance.now();
  private readonly startStep: number;
  private window = emptyWindow();
  private lossTotal = 0;
  private stepsRun = 0;
  private lastSaved: string | undefined;
  private lastSavedStep = -1;
  /** A SIGINT/SIGTERM seen by any rank (every rank stops at the same step). */
  private signalled = false;

  constructor(private readonly p: RunParts<E, B>) {
    this.startStep = p.state.global_step;
    if (p.resumeDir) {
      this.lastSaved = p.resumeDir;
      this.lastSavedStep = this.startStep;
    }
  }

  async execute(): Promise<TrainResult> {
    const { state, plan } = this.p;
    await this.p.task.onTrainBegin?.();
    await this.emit('onTrainBegin');
    if (this.p.args.eval_on_start && state.global_step === 0) await this.evaluate();
    let stopReason: StopReason = 'completed';
    while (state.global_step < plan.maxSteps) {
      const control = await this.step();
      if (this.signalled) {
        await this.save();
        stopReason = 'signal';
        break;
      }
      if (control.shouldTrainingStop && state.global_step < plan.maxSteps) {
        stopReason = 'callback';
        break;
      }
      // Lets signal handlers (and other I/O) run between steps; a step itself is synchronous.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return this.finish(stopReason);
  }

  /** One optimizer step, then what the flow asks for: log, evaluate, save. */
  private async step(): Promise<TrainerControl> {
    const { args, state, schedule, precision, update, task, world } = this.p;
    const group = nextAccumulationGroup(this.p.iterator, args.gradient_accumulation_steps);
    const collated = world.shard(group.batches).map((examples) => task.collate(examples));
    const batches =
      task.prepare && collated.length > 0
        ? await task.prepare(collated, { generator: this.p.generator, step: state.global_step })
        : collated;
    // The loss is a token mean over every rank's micro-batches: each rank divides by the global count.
    const localItems = batches.reduce((n, b) => n + task.lossItems(b), 0);
    const globalItems = world.size > 1 ? (await world.sum([localItems]))[0]! : undefined;
    const step = stepGradients(
      task as TrainingTask<unknown, B>,
      batches,
      this.p.generator,
      precision.lossScale,
      globalItems,
    );
    const lr = schedule.lr(state.global_step);
    let gradNorm: number;
    try {
      if (world.size > 1) [step.loss, step.tokens] = await world.sum([step.loss, step.tokens]);
      const clip = await update.reduceAndClip(
        step.grads,
        args.max_grad_norm > 0 ? args.max_grad_norm : Infinity,
      );
      gradNorm = clip.totalNorm;
      if (precision.update(Number.isFinite(step.loss) && clip.finite)) {
        await update.step(step.grads, lr);
      } else if (precision.name === 'fp16') {
        update.skip();
        this.p.print(
          `fp16: step ${state.global_step + 1} overflowed and was skipped; loss scale now ${precision.lossScale}`,
        );
      } else {
        update.skip();
        this.nonFinite(step.loss, clip.totalNorm, clip.nonFinite, group.epoch);
      }
    } finally {
      tf.dispose(Object.values(step.grads));
    }
    state.global_step += 1;
    state.epoch = group.epochProgress;
    state.num_input_tokens_seen += step.tokens;
    this.account(step.loss, step.tokens, gradNorm, lr);

    const control = this.flow(group.endsEpoch);
    await this.emit('onStepEnd', control);
    // What a callback or a signal asks for on any rank, every rank does after this same step.
    [
      control.shouldLog,
      control.shouldEvaluate,
      control.shouldSave,
      control.shouldTrainingStop,
      this.signalled,
    ] = await world.any([
      control.shouldLog,
      control.shouldEvaluate,
      control.shouldSave,
      control.shouldTrainingStop,
      this.p.signals.requested !== null,
    ]);
    if (control.shouldLog) await this.logTraining();
    if (control.shouldEvaluate) await this.evaluate();
    if (control.shouldSave) await this.save();
    const seconds = (performance.now() - this.window.since) / 1000;
    this.p.progress.update(state.global_step, {
      loss: this.window.steps > 0 ? this.window.lossSum / this.window.steps : step.loss,
      tokensPerSecond: seconds > 0 ? this.window.tokens / seconds : undefined,
    });
    return control;
  }

  /** HF's DefaultFlowCallback: which of log, evaluate, save this step triggers. */
  private flow(endsEpoch: boolean): TrainerControl {
    const { args, plan } = this.p;
    const step = this.p.state.global_step;
    const every = (strategy: string, n: number) =>
      (strategy === 'steps' && n > 0 && step % n === 0) || (strategy === 'epoch' && endsEpoch);
    const last = step >= plan.maxSteps;
    return {
      shouldLog: every(args.logging_strategy, plan.loggingSteps) || (args.logging_first_step && step === 1),
      shouldEvaluate: every(args.eval_strategy, plan.evalSteps),
      shouldSave: every(args.save_strategy, plan.saveSteps) || (last && args.save_strategy !== 'no'),
      shouldTrainingStop: last,
    };
  }

  /** Adds a step to the log window (HF's tr_loss, with its NaN/inf filter). */
  private account(loss: number, tokens: number, gradNorm: number, lr: number): void {
    const w = this.window;
    const mean = w.steps > 0 ? w.lossSum / w.steps : 0;
    const counted = this.p.args.logging_nan_inf_filter && !Number.isFinite(loss) ? mean : loss;
    w.lossSum += counted;
    w.steps += 1;
    w.tokens += tokens;
    w.gradNorm = gradNorm;
    w.lr = lr;
    this.lossTotal += counted;
    this.stepsRun += 1;
  }

  private async logTraining(): Promise<void> {
    const w = this.window;
    const seconds = (performance.now() - w.since) / 1000;
    this.window = emptyWindow();
    const taskMetrics = await this.p.world.mean(this.p.task.takeMetrics?.('train') ?? {});
    if (!this.p.world.isMain) return;
    await this.record({
      loss: w.lossSum / w.steps,
      grad_norm: w.gradNorm,
      learning_rate: w.lr,
      epoch: this.p.state.epoch,
      step: this.p.state.global_step,
      tokens_per_second: seconds > 0 ? w.tokens / seconds : 0,
      ...taskMetrics,
      ...memoryUsage(),
    });
  }

  /** On rank 0 (the others wait at a barrier): every rank holds the same weights. */
  private async evaluate(): Promise<void> {
    const { evalDataset, args, state, world } = this.p;
    if (!evalDataset) return;
    if (world.isMain) {
      const metrics = evaluateLoss(
        this.p.task,
        evalDataset,
        args.per_device_eval_batch_size,
        this.p.generator,
      );
      await this.record({ ...metrics, epoch: state.epoch, step: state.global_step });
      for (const cb of this.p.callbacks) await cb.onEvaluate?.(this.context(), metrics);
    }
    await world.barrier();
  }

  private async record(entry: LogEntry): Promise<void> {
    this.p.state.log_history.push(entry);
    await this.p.metrics.append(entry);
    this.p.print(formatLogLine(entry, this.p.plan.maxSteps));
    for (const cb of this.p.callbacks) await cb.onLog?.(this.context(), entry);
  }

  /**
   * Writes checkpoint-<global_step> atomically, then drops checkpoints beyond save_total_limit. In a
   * multi-process run every rank hands rank 0 its random state (and, under ZeRO-1, its shard of the
   * optimizer state); rank 0 writes, the others wait at a barrier.
   */
  private async save(): Promise<void> {
    const { args, state, generator, task, update, iterator, precision, schedule, plan, world } = this.p;
    if (this.lastSavedStep === state.global_step) return;
    const optimizer = await update.checkpointState();
    const random = {
      generator: generator.getState(),
      precision: precision.state(),
      task: task.randomState?.(),
    };
    const ranks = world.comm ? await world.comm.allGatherObject(random) : [random];
    if (!world.isMain) {
      optimizer.release();
      await world.barrier();
      this.lastSaved = join(args.output_dir, `${CHECKPOINT_PREFIX}-${state.global_step}`);
      this.lastSavedStep = state.global_step;
      return;
    }
    const dir = await writeCheckpointDir(args.output_dir, state.global_step, (d) =>
      writeTrainerCheckpoint(d, {
        args,
        state,
        generator: random.generator,
        data: iterator.state(),
        precision: random.precision,
        task: random.task,
        optimizer,
        distributed:
          world.size > 1 ? { worldSize: world.size, zeroStage: args.zero_stage, ranks } : undefined,
        optimizerHyperparameters: {
          betas: [args.adam_beta1, args.adam_beta2],
          eps: args.adam_epsilon,
          weight_decay: args.weight_decay,
        },
        scheduler: {
          lr_scheduler_type: args.lr_scheduler_type,
          base_lrs: [args.learning_rate],
          num_warmup_steps: plan.warmupSteps,
          num_training_steps: plan.maxSteps,
          lr_scheduler_kwargs: args.lr_scheduler_kwargs,
          last_epoch: state.global_step,
          last_lr: [schedule.lr(state.global_step)],
        },
        saveWeights: (into) => task.saveWeights(into),
      }),
    ).finally(() => optimizer.release());
    this.lastSaved = dir;
    this.lastSavedStep = state.global_step;
    const deleted = await rotateCheckpoints(args.output_dir, args.save_total_limit);
    const note = deleted.length
      ? ` (deleted ${deleted.length} older: --save_total_limit ${args.save_total_limit})`
      : '';
    this.p.print(`saved ${dir}${note}`);
    for (const cb of this.p.callbacks) await cb.onSave?.(this.context(), dir);
    await world.barrier();
  }

  private nonFinite(loss: number, norm: number, params: string[], epoch: number): void {
    const { args, state } = this.p;
    const some = params.slice(0, 5).join(', ') + (params.length > 5 ? ', ...' : '');
    const what =
      `step ${state.global_step + 1} (epoch ${epoch}) has loss ${loss} and grad_norm ${norm}` +
      (params.length ? `; non-finite gradients in ${some}` : '');
    if (args.nan_inf_policy === 'stop')
      throw new NonFiniteLossError(what, state.global_step + 1, this.lastSaved);
    this.p.print(
      `warning: ${what}; the step was skipped, weights unchanged (--nan_inf_policy stop stops instead)`,
    );
  }

  private async finish(stopReason: StopReason): Promise<TrainResult> {
    const { args, state, world } = this.p;
    const runtime = (performance.now() - this.started) / 1000;
    const steps = state.global_step - this.startStep;
    const trainLoss = this.stepsRun > 0 ? this.lossTotal / this.stepsRun : NaN;
    const samples = steps * args.per_device_train_batch_size * args.gradient_accumulation_steps * world.size;
    const summary: LogEntry = {
      train_runtime: round(runtime, 4),
      train_samples_per_second: round(samples / runtime, 3),
      train_steps_per_second: round(steps / runtime, 3),
      total_flos: 0,
      train_loss: trainLoss,
      // What the task measured since the last log (TRL adds its leftover metrics to this entry too).
      ...(await world.mean(this.p.task.takeMetrics?.('train') ?? {})),
      epoch: state.epoch,
      step: state.global_step,
    };
    if (!world.isMain) {
      await this.emit('onTrainEnd');
      return this.result(summary, trainLoss, stopReason);
    }
    await this.record(summary);
    const out = args.output_dir;
    await writeTextAtomic(join(out, 'trainer_state.json'), trainerStateJson(state));
    await writeTextAtomic(join(out, 'train_results.json'), `${JSON.stringify(summary, null, 2)}\n`);
    await writeTextAtomic(
      join(out, 'loss.svg'),
      renderLossPlot(state.log_history, { title: `loss — ${out}` }),
    );
    await this.emit('onTrainEnd');
    return this.result(summary, trainLoss, stopReason);
  }

  private result(summary: LogEntry, trainLoss: number, stopReason: StopReason): TrainResult {
    const { state } = this.p;
    return {
      globalStep: state.global_step,
      trainLoss,
      metrics: summary,
      stopReason,
      signal: this.p.signals.requested ?? undefined,
      lastCheckpoint: this.lastSaved,
      logHistory: state.log_history,
    };
  }

  private context(control: TrainerControl = { ...NO_CONTROL }): CallbackContext {
    return { args: this.p.args, state: this.p.state, control };
  }

  private async emit(
    hook: 'onTrainBegin' | 'onStepEnd' | 'onTrainEnd',
    control?: TrainerControl,
  ): Promise<void> {
    const context = this.context(control);
    for (const cb of this.p.callbacks) await cb[hook]?.(context);
  }
}

function emptyWindow(): LogWindow {
  return { lossSum: 0, steps: 0, tokens: 0, since: performance.now(), gradNorm: NaN, lr: NaN };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
