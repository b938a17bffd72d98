import { resolveModelDir } from '@medgpt/hub';
import { loadModel, type CausalLM } from '@medgpt/models';
import { InferenceEngine } from '@medgpt/serving';
import { loadTokenizer, type Tokenizer } from '@medgpt/tokenizer';
import {
  ConfigError,
  loadTrainingModel,
  paddingId,
  runStage,
  trainingArguments,
  type LoraWeights,
  type StageResult,
  type StageRunOptions,
  type TrainableWeights,
  routerAuxLossCoef,
  type MoeOptions,
  type TrainingArguments,
} from '@medgpt/trainer';
import { stageModelOptions, type TrlModelOptions } from '../config/trl-model-options.js';
import type { NamedReward } from '../rewards/reward-function.js';
import { rewardModelReward } from '../rewards/reward-model-reward.js';
import type { GroupRolloutTask, GroupRolloutTaskOptions, ReferenceLogps } from './group-rollout-task.js';
import { frozenLogps } from './policy-logps.js';
import type { RolloutBatch } from './rollout-batch.js';
import type { RolloutExample } from './rollout-example.js';

/** The options every group-rollout stage (GRPO, RLOO) shares. */
export type RolloutStageConfig = TrlModelOptions &
  MoeOptions &
  TrainingArguments & {
    train_file_dir: string;
    num_generations: number;
    max_completion_length: number;
    temperature: number;
    top_p: number;
    top_k: number;
    min_p: number | null;
    repetition_penalty: number;
    beta: number;
    num_iterations: number;
    reward_model_path: string | null;
    mask_truncated_completions: boolean;
    log_completions: boolean;
    num_completions_to_print: number;
  };

export interface RolloutStageParts {
  /** The stage's name, for messages. */
  stage: string;
  config: RolloutStageConfig;
  model: CausalLM;
  tokenizer: Tokenizer;
  examples: readonly RolloutExample[];
  /** Reward functions known before training (built-in, then TypeScript ones); a reward model is added last. */
  rewards: readonly NamedReward[];
  /** The weights of all the reward functions, reward model included, in order. */
  rewardWeights: (names: readonly string[]) => number[];
  /** A stage that learns without rewards (distillation). Default false: at least one is required. */
  allowNoRewards?: boolean;
  /** The log line describing the run, once the rewards are known. */
  describe: (rewards: readonly NamedReward[]) => string;
  /** The stage's task over the shared options. */
  task: (common: GroupRolloutTaskOptions) => GroupRolloutTask;
  run: StageRunOptions;
  log: (line: string) => void;
}

/**
 * What GRPO and RLOO do once their prompts are tokenised: check the batch shape (per_device_train_batch_size
 * counts completions, G per prompt), load the reward model and the reference when asked, build the
 * serving engine over the trained model, run the generic stage with the task, and free it all after.
 */
export async function runRolloutStage(p: RolloutStageParts): Promise<StageResult> {
  const c = p.config;
  const G = c.num_generations;
  if (c.per_device_train_batch_size % G !== 0)
    throw new ConfigError(
      'per_device_train_batch_size',
      c.per_device_train_batch_size,
      `a multiple of --num_generations ${G} (it counts completions, as in TRL: ${G} per prompt)`,
    );
  if (c.eval_strategy !== 'no')
    throw new ConfigError(
      'eval_strategy',
      c.eval_strategy,
      'no',
      `${p.stage} here trains without an evaluation pass`,
    );
  const promptsPerBatch = c.per_device_train_batch_size / G;
  const maxPrompt = Math.max(1, ...p.examples.map((e) => e.promptIds.length));
  const rewards = [...p.rewards];
  const frozen: CausalLM[] = [];
  let engine: InferenceEngine | null = null;
  let reference: ReferenceLogps | null = null;
  try {
    return await runStage({
      config: {
        ...trainingArguments(c),
        per_device_train_batch_size: promptsPerBatch,
        ...stageModelOptions(c),
        train_file_dir: c.train_file_dir,
      },
      model: p.model,
      tokenizer: p.tokenizer,
      train: p.examples,
      eval: [],
      exampleLength: (e) => e.promptIds.length,
      beforeTraining: async (weights) => {
        if (c.reward_model_path !== null)
          rewards.push(await loadRewardModel(c.reward_model_path, p.run, frozen));
        if (rewards.length === 0 && !p.allowNoRewards)
          throw new ConfigError('reward_funcs', '', 'at least one reward function (or --reward_model_path)');
        if (c.beta !== 0) reference = await loadReference(c, p.model, weights, p.run, frozen);
        p.log(p.describe(rewards));
      },
      task: (weights) =>
        p.task({
          weights,
          saveExtras: (dir) => p.tokenizer.save(dir),
          model: p.model,
          engine: () =>
            (engine ??= new InferenceEngine(p.model, {
              tokenizer: p.tokenizer,
              maxSequences: promptsPerBatch * c.gradient_accumulation_steps * G,
              maxModelLen: maxPrompt + c.max_completion_length,
              peft: weights.kind === 'lora' ? (weights as LoraWeights).peft : null,
              defaultAdapter: weights.kind === 'lora' ? 'default' : null,
            })),
          padTokenId: paddingId(p.tokenizer),
          rewards,
          rewardWeights: p.rewardWeights(rewards.map((r) => r.name)),
          reference: (batch) => reference!(batch),
          numGenerations: G,
          routerAuxLossCoef: routerAuxLossCoef(p.model, c),
          sampling: {
            maxTokens: c.max_completion_length,
            temperature: c.temperature,
            topP: c.top_p,
            topK: c.top_k,
            minP: c.min_p,
            repetitionPenalty: c.repetition_penalty,
          },
          beta: c.beta,
          numIterations: c.num_iterations,
          maskTruncatedCompletions: c.mask_truncated_completions,
          logCompletions: c.log_completions ? c.num_completions_to_print : 0,
          loggingSteps: Math.max(1, Math.round(c.logging_steps)),
          log: p.log,
        }),
      run: p.run,
    });
  } finally {
    await (engine as InferenceEngine | null)?.close();
    for (const m of frozen) m.dispose();
  }
}

/** --reward_model_path: a sequence classifier (medgpt rm) and its tokenizer, scoring prompt + completion. */
async function loadRewardModel(path: string, run: StageRunOptions, frozen: CausalLM[]): Promise<NamedReward> {
  const dir = await resolveModelDir(path, { ...run.hub, kind: 'model', option: 'reward_model_path' });
  const model = await loadModel(dir);
  frozen.push(model);
  return rewardModelReward({ model, tokenizer: await loadTokenizer(dir) });
}

/** TRL's reference: the base with the adapters off under LoRA, else a frozen copy of the base. */
async function loadReference(
  c: RolloutStageConfig,
  model: CausalLM,
  weights: TrainableWeights,
  run: StageRunOptions,
  frozen: CausalLM[],
): Promise<ReferenceLogps> {
  const t = c.temperature;
  if (weights.kind === 'lora') {
    const peft = (weights as LoraWeights).peft;
    return (batch: RolloutBatch) => peft.withAdaptersDisabled(() => frozenLogps(model, batch, t));
  }
  const dir = await resolveModelDir(c.model_name_or_path, {
    ...run.hub,
    kind: 'model',
    option: 'model_name_or_path',
  });
  const copy = await loadTrainingModel(dir, stageModelOptions(c));
  frozen.push(copy);
  return (batch: RolloutBatch) => frozenLogps(copy, batch, t);
}
