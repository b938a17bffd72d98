import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { MetricsFile, type StageResult, type StageRunOptions } from '@medgpt/trainer';
import { tinySetup, writePreferenceFile } from './tiny-setup.js';

export type Entry = Record<string, number>;

/** metrics.jsonl of a run, parsed. */
export async function readMetrics(dir: string): Promise<Entry[]> {
  return (await MetricsFile.inDir(dir).read()) as unknown as Entry[];
}

/** Options every tiny preference run shares: short rows, a few fast steps, no warmup. */
export const TINY_RUN = {
  max_source_length: 64,
  max_target_length: 64,
  per_device_train_batch_size: 4,
  per_device_eval_batch_size: 4,
  gradient_accumulation_steps: 1,
  learning_rate: 3e-2,
  warmup_steps: 0,
  max_steps: 6,
  logging_steps: 1,
  eval_strategy: 'steps',
  eval_steps: 6,
  save_steps: 6,
  lora_dropout: 0,
  seed: 7,
};

export interface TinyRun {
  dir: string;
  out: string;
  lines: string[];
  result: StageResult;
  /** Tensors alive after the run that were not before it. */
  leaked: number;
  /** The training-step entries of metrics.jsonl. */
  steps: Entry[];
  evals: Entry[];
}

/**
 * Trains `makeTrainer`'s trainer on a tiny random model and a small preference file (12 training
 * pairs with one invalid record and one too-long row, 4 evaluation pairs).
 */
export async function trainTiny(
  makeTrainer: (
    config: Record<string, unknown> & { model_name_or_path: string; train_file_dir: string },
    run: StageRunOptions,
  ) => { train(): Promise<StageResult> },
  overrides: Record<string, unknown> = {},
  seed = 0,
): Promise<TinyRun> {
  const { dir, base } = await tinySetup(seed);
  const data = writePreferenceFile(dir, 12);
  const evalData = writePreferenceFile(dir, 4, { name: 'eval.jsonl', bad: false });
  const lines: string[] = [];
  const out = join(dir, 'out');
  const before = tf.memory().numTensors;
  const result = await makeTrainer(
    {
      ...TINY_RUN,
      model_name_or_path: base,
      train_file_dir: data.file,
      validation_file_dir: evalData.file,
      output_dir: out,
      ...overrides,
    },
    { log: (l) => lines.push(l), progress: false, handleSignals: false },
  ).train();
  const leaked = tf.memory().numTensors - before;
  const all = await readMetrics(out);
  return {
    dir,
    out,
    lines,
    result,
    leaked,
    steps: all.filter((e) => e.loss !== undefined),
    evals: all.filter((e) => e.eval_loss !== undefined),
  };
}
