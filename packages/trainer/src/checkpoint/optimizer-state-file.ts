import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  SafetensorsFile,
  tf,
  writeSafetensors,
  type OptimizerState,
  writeTextAtomic,
} from '@medgpt/core-tensor';

/** What checkpoints need of an optimizer (core-tensor's AdamW, MultiTensorAdamW, SGD). */
export interface StatefulOptimizer {
  stateDict(): OptimizerState;
  loadStateDict(state: OptimizerState): void;
}

/** The optimizer's tensors (float32, exact), as `<parameter name>.<slot>` (exp_avg, exp_avg_sq). */
export const OPTIMIZER_TENSORS_FILE = 'optimizer.safetensors';
/** The optimizer's scalars: kind, step counts per parameter, learning rate. */
export const OPTIMIZER_JSON_FILE = 'optimizer.json';

interface OptimizerJson {
  optimizer: string;
  step_count: number;
  lr: number;
  /** Per parameter: its own step count and the slots stored in the tensors file. */
  params: Record<string, { step: number; slots: string[] }>;
  /** Extra facts for people reading the checkpoint (betas, eps, weight decay groups). */
  hyperparameters?: Record<string, unknown>;
}

/** Writes `optimizer`'s state into `dir` (a checkpoint being written). */
export async function saveOptimizerState(
  dir: string,
  optimizer: StatefulOptimizer,
  hyperparameters: Record<string, unknown> = {},
): Promise<void> {
  const state = optimizer.stateDict();
  try {
    const tensors = new Map<string, tf.Tensor>();
    const params: OptimizerJson['params'] = {};
    for (const [name, { step, slots }] of Object.entries(state.params)) {
      params[name] = { step, slots: Object.keys(slots) };
      for (const [slot, t] of Object.entries(slots)) tensors.set(`${name}.${slot}`, t);
    }
    await writeSafetensors(join(dir, OPTIMIZER_TENSORS_FILE), tensors);
    const json: OptimizerJson = {
      optimizer: state.optimizer,
      step_count: state.stepCount,
      lr: state.lr,
      params,
      hyperparameters,
    };
    await writeTextAtomic(join(dir, OPTIMIZER_JSON_FILE), `${JSON.stringify(json, null, 2)}\n`);
  } finally {
    for (const { slots } of Object.values(state.params)) tf.dispose(Object.values(slots));
  }
}

/** Restores the state saveOptimizerState wrote in `dir` into `optimizer` (same parameters). */
export async function loadOptimizerState(dir: string, optimizer: StatefulOptimizer): Promise<void> {
  const jsonFile = join(dir, OPTIMIZER_JSON_FILE);
  let json: OptimizerJson;
  try {
    json = JSON.parse(await readFile(jsonFile, 'utf8')) as OptimizerJson;
  } catch (err) {
    throw new Error(`cannot resume: ${jsonFile}: ${(err as Error).message}`, { cause: err });
  }
  const file = await SafetensorsFile.open(join(dir, OPTIMIZER_TENSORS_FILE));
  const state: OptimizerState = {
    optimizer: json.optimizer,
    stepCount: json.step_count,
    lr: json.lr,
    params: {},
  };
  try {
    for (const [name, { step, slots }] of Object.entries(json.params)) {
      const tensors: Record<string, tf.Tensor> = {};
      for (const slot of slots) tensors[slot] = await file.readTensor(`${name}.${slot}`);
      state.params[name] = { step, slots: tensors };
    }
    optimizer.loadStateDict(state);
  } finally {
    await file.close();
    for (const { slots } of Object.values(state.params)) tf.dispose(Object.values(slots));
  }
}
