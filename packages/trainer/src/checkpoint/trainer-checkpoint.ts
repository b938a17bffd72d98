import { access, readFile } from 'node:fs/promises';
import { writeTextAtomic } from '@medgpt/core-tensor';
import { join } from 'node:path';
import type { GeneratorState } from '@medgpt/core-tensor';
import type { BatchIteratorState } from '@medgpt/data';
import type { PrecisionState } from '../loop/precision-policy.js';
import { parseTrainerState, trainerStateJson, type TrainerState } from '../trainer-state.js';
import type { TrainingArguments } from '../training-arguments.js';
import { writeCheckpointManifest } from './checkpoint-manifest.js';
import {
  loadOptimizerState,
  OPTIMIZER_JSON_FILE,
  saveOptimizerState,
  type StatefulOptimizer,
} from './optimizer-state-file.js';

// File names inside checkpoint-<step>/. trainer_state.json is HF's; the others replace HF's pickles
// (optimizer.pt, scheduler.pt, rng_state.pth, training_args.bin) with safetensors and JSON.
export const TRAINER_STATE_FILE = 'trainer_state.json';
export const SCHEDULER_FILE = 'scheduler.json';
export const RNG_STATE_FILE = 'rng_state.json';
export const DATA_STATE_FILE = 'data_state.json';
export const TRAINING_ARGS_FILE = 'training_args.json';
/** A multi-process run's world size and ZeRO stage (resume needs the same world size). */
export const DISTRIBUTED_FILE = 'distributed.json';
/** Rank r's random state (r >= 1; rank 0's is rng_state.json), as HF's rng_state_<r>.pth. */
export const rankRngStateFile = (rank: number): string => `rng_state_${rank}.json`;

/** What each rank's randomness is at a checkpoint. */
export interface RankRandomState {
  generator: GeneratorState;
  precision: PrecisionState;
  task?: unknown;
}

/** The multi-process part of a checkpoint. */
export interface DistributedCheckpoint {
  worldSize: number;
  zeroStage: number;
  /** Every rank's random state, rank order. */
  ranks: RankRandomState[];
}

/** The learning-rate schedule as torch's LambdaLR state_dict describes it, for the record. */
export interface SchedulerRecord {
  lr_scheduler_type: string;
  base_lrs: number[];
  num_warmup_steps: number;
  num_training_steps: number;
  lr_scheduler_kwargs: Record<string, unknown>;
  /** Optimizer steps taken (LambdaLR's last_epoch). */
  last_epoch: number;
  /** The learning rate of the next step. */
  last_lr: number[];
}

/** Everything of a run that is not weights or optimizer state. */
export interface RunState {
  state: TrainerState;
  generator: GeneratorState;
  data: BatchIteratorState;
  precision: PrecisionState;
  /** The task's own random state (TrainingTask.randomState), if it has one. */
  task?: unknown;
}

export interface SaveCheckpointParts extends RunState {
  args: TrainingArguments;
  scheduler: SchedulerRecord;
  saveWeights(dir: string): Promise<void>;
  optimizer: StatefulOptimizer;
  optimizerHyperparameters: Record<string, unknown>;
  /** Set by multi-process runs (rank 0 writes for every rank). */
  distributed?: DistributedCheckpoint;
}

/** Fills checkpoint directory `dir` (being written; see writeCheckpointDir). */
export async function writeTrainerCheckpoint(dir: string, parts: SaveCheckpointParts): Promise<void> {
  await parts.saveWeights(dir);
  if (!parts.args.save_only_model) {
    await saveOptimizerState(dir, parts.optimizer, parts.optimizerHyperparameters);
    await writeJson(join(dir, SCHEDULER_FILE), parts.scheduler);
    await writeJson(join(dir, RNG_STATE_FILE), {
      generator: parts.generator,
      precision: parts.precision,
      task: parts.task,
    });
    await writeJson(join(dir, DATA_STATE_FILE), parts.data);
    for (const [rank, random] of (parts.distributed?.ranks ?? []).entries())
      if (rank > 0) await writeJson(join(dir, rankRngStateFile(rank)), random);
  }
  if (parts.distributed) {
    const { worldSize, zeroStage } = parts.distributed;
    await writeJson(join(dir, DISTRIBUTED_FILE), { world_size: worldSize, zero_stage: zeroStage });
  }
  await writeJson(join(dir, TRAINING_ARGS_FILE), parts.args);
  await writeTextAtomic(join(dir, TRAINER_STATE_FILE), trainerStateJson(parts.state));
  await writeCheckpointManifest(dir);
}

/**
 * Restores a checkpoint written by writeTrainerCheckpoint: the trained weights (through the task),
 * the optimizer state, and returns the rest of the run's state.
 */
export async function readTrainerCheckpoint(
  dir: string,
  parts: { loadWeights(dir: string): Promise<void>; optimizer: StatefulOptimizer },
): Promise<RunState> {
  const stateFile = join(dir, TRAINER_STATE_FILE);
  const state = parseTrainerState(await readText(stateFile, dir), stateFile);
  const optimizerFile = join(dir, OPTIMIZER_JSON_FILE);
  if (!(await exists(optimizerFile))) {
    throw new Error(
      `cannot resume from ${dir}: it has no ${OPTIMIZER_JSON_FILE} (saved with --save_only_model?); ` +
        'load its weights with --model_name_or_path instead to start a new run from them',
    );
  }
  const rng = JSON.parse(await readText(join(dir, RNG_STATE_FILE), dir)) as {
    generator: GeneratorState;
    precision: PrecisionState;
    task?: unknown;
  };
  const data = JSON.parse(await readText(join(dir, DATA_STATE_FILE), dir)) as BatchIteratorState;
  await parts.loadWeights(dir);
  await loadOptimizerState(dir, parts.optimizer);
  return { state, generator: rng.generator, data, precision: rng.precision, task: rng.task };
}

/**
 * The world size a checkpoint was written by (1 without distributed.json), and rank `rank`'s own
 * random state when it was a multi-process run (undefined for rank 0: rng_state.json is its own).
 */
export async function readDistributedCheckpoint(
  dir: string,
  rank: number,
): Promise<{ worldSize: number; zeroStage: number; random?: RankRandomState }> {
  const file = join(dir, DISTRIBUTED_FILE);
  if (!(await exists(file))) return { worldSize: 1, zeroStage: 0 };
  const { world_size: worldSize, zero_stage: zeroStage } = JSON.parse(await readText(file, dir)) as {
    world_size: number;
    zero_stage: number;
  };
  const own = join(dir, rankRngStateFile(rank));
  const random =
    rank > 0 && (await exists(own)) ? (JSON.parse(await readText(own, dir)) as RankRandomState) : undefined;
  return { worldSize, zeroStage, random };
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeTextAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

async function readText(path: string, dir: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot resume from ${dir}: ${(err as Error).message}`, { cause: err });
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
