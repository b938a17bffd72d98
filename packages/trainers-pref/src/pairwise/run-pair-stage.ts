import type { CausalLM } from '@medgpt/models';
import {
  paddingId,
  runStage,
  type EvalMetrics,
  type StageConfig,
  type StageResult,
  type StageRunOptions,
  type TrainableWeights,
} from '@medgpt/trainer';
import { pairMaxLength } from '../config/pair-stage-options.js';
import type { PreferenceDataOptions } from '../config/preference-data-options.js';
import type { PairData } from '../data/pair-data.js';
import { pairLength } from '../data/pair-length.js';
import { describePreferenceEval } from './describe-preference-eval.js';
import type { PairTask, PairTaskOptions } from './pair-task.js';

/** What every pair task is built with: the model, the trained weights and TRL's batching. */
export interface PairTaskBase extends PairTaskOptions {
  model: CausalLM;
}

export interface PairStageParts {
  config: StageConfig & PreferenceDataOptions & { truncation_mode?: 'keep_start' | 'keep_end' };
  model: CausalLM;
  data: PairData;
  /** The stage's task on the common parts. */
  task: (base: PairTaskBase) => PairTask;
  /** Prompt + answer are cut to max_source_length + max_target_length (TRL's collator); the RM filters instead. */
  truncate: boolean;
  weights?: (model: CausalLM) => Promise<TrainableWeights>;
  beforeTraining?: (weights: TrainableWeights) => Promise<void> | void;
  describeEval?: (metrics: EvalMetrics) => string;
  run: StageRunOptions;
}

/** The shared run of RM, DPO, ORPO and CPO once their pairs are made: the generic stage with a pair task. */
export function runPairStage(p: PairStageParts): Promise<StageResult> {
  const { config: c, data } = p;
  const padTokenId = paddingId(data.tokenizer);
  return runStage({
    config: c,
    model: p.model,
    tokenizer: data.tokenizer,
    train: data.train,
    eval: data.eval,
    exampleLength: pairLength,
    weights: p.weights,
    beforeTraining: p.beforeTraining,
    task: (weights) =>
      p.task({
        model: p.model,
        weights,
        padTokenId,
        ...(p.truncate ? { maxLength: pairMaxLength(c), truncationMode: c.truncation_mode } : {}),
        saveExtras: (dir) => data.tokenizer.save(dir),
      }),
    describeEval: p.describeEval ?? describePreferenceEval,
    run: p.run,
  });
}
