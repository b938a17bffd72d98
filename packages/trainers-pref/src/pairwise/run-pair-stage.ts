import type { CausalLM } from '@medgpt/models';
import {
  paddingId,
  routerAuxLossCoef,
  runStage,
  type EvalMetrics,
  type MoeOptions,
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
  config: StageConfig &
    PreferenceDataOptions &
    Partial<MoeOptions> & { truncation_mode?: 'keep_start' | 'keep_end' };
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
  // TRL's DPO/ORPO/CPO add router_aux_loss_coef * aux_loss when output_router_logits is on (the reward
  // model's config has no such options: none).
  const auxCoef =
    c.output_router_logits === undefined || c.router_aux_loss_coef === undefined
      ? null
      : routerAuxLossCoef(p.model, {
          output_router_logits: c.output_router_logits,
          router_aux_loss_coef: c.router_aux_loss_coef,
        });
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
        routerAuxLossCoef: auxCoef,
        ...(p.truncate ? { maxLength: pairMaxLength(c), truncationMode: c.truncation_mode } : {}),
        saveExtras: (dir) => data.tokenizer.save(dir),
      }),
    describeEval: p.describeEval ?? describePreferenceEval,
    run: p.run,
  });
}
