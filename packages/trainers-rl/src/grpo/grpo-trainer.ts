import { loadStageDatasets } from '@medgpt/data';
import { chatTemplateFormat, namedTemplateFormat } from '@medgpt/serving';
import {
  chatDataSetup,
  StageTrainer,
  type ModelOptions,
  type StageModel,
  type StageResult,
  type StageRunOptions,
} from '@medgpt/trainer';
import { stageModelOptions } from '../config/trl-model-options.js';
import { builtInReward, type BuiltInReward, type NamedReward } from '../rewards/reward-function.js';
import { promptExample } from '../rollout/prompt-example.js';
import { runRolloutStage } from '../rollout/run-rollout-stage.js';
import { rewardNames, rewardWeights } from '../config/rollout-options.js';
import { resolveGrpoConfig, type GrpoConfig, type GrpoConfigInput } from './grpo-config.js';
import { GrpoTask } from './grpo-task.js';

/** What a GRPO or RLOO run takes besides the config: reward functions written in TypeScript. */
export interface RolloutRunOptions extends StageRunOptions {
  /** Extra reward functions, combined after the built-in ones and before a reward model. */
  rewardFns?: readonly NamedReward[];
}

/**
 * GRPO (MedicalGPT's grpo_training.py over TRL's GRPOTrainer): R1-style prompts (its system prompt, then
 * the question), G completions per prompt sampled by @medgpt/serving's engine from the live policy,
 * rule rewards (accuracy, format; soft_overlong), a reward model or TypeScript functions, group-normalised
 * advantages, the clipped surrogate with an optional KL to the reference, LoRA or full.
 *
 * ```ts
 * const result = await new GrpoTrainer({
 *   model_name_or_path: 'outputs-sft', train_file_dir: 'data/medicalgpt/grpo', output_dir: 'outputs-grpo',
 *   use_peft: true, num_generations: 4, per_device_train_batch_size: 4, max_completion_length: 128, max_steps: 20,
 * }).train();
 * console.log(result.train.logHistory.at(-1)?.reward);
 * ```
 */
export class GrpoTrainer extends StageTrainer<GrpoConfig> {
  private readonly rewardFns: readonly NamedReward[];

  constructor(config: GrpoConfigInput, run: RolloutRunOptions = {}) {
    super(resolveGrpoConfig(config), run);
    this.rewardFns = run.rewardFns ?? [];
  }

  protected override modelOptions(): ModelOptions {
    return stageModelOptions(this.config);
  }

  protected async trainStage({ model, tokenizer: base }: StageModel): Promise<StageResult> {
    const c = this.config;
    const setup = chatDataSetup(c.template_name, base);
    for (const note of setup.notes) this.log(note);
    const format = setup.template
      ? namedTemplateFormat(setup.template)
      : chatTemplateFormat(setup.chatTemplate!);
    const data = await loadStageDatasets({
      stage: 'grpo',
      trainFileDir: c.train_file_dir,
      maxTrainSamples: c.train_samples > 0 ? c.train_samples : undefined,
    });
    const made = data.train.map((r) =>
      promptExample(
        r.value.question,
        { question: r.value.question, answer: r.value.answer },
        r.source,
        format,
        setup.tokenizer,
        c.max_prompt_length,
      ),
    );
    const cut = made.filter((m) => m.cut).length;
    this.log(
      `grpo data: ${data.trainReport.records} records read, ${data.trainReport.invalid} invalid; ` +
        `${made.length} training prompts (${data.validation.length} held out, as grpo_training.py's 10% split)` +
        (cut > 0 ? `; ${cut} prompts cut to max_prompt_length ${c.max_prompt_length}` : ''),
    );
    const options = { maxCompletionLength: c.max_completion_length, softPunishCache: c.soft_punish_cache };
    const builtIn = rewardNames({ reward_funcs: c.reward_funcs, reward_model_path: null }).map((n) =>
      builtInReward(n as BuiltInReward, options),
    );
    return runRolloutStage({
      stage: 'grpo',
      config: c,
      model,
      tokenizer: setup.tokenizer,
      examples: made.map((m) => m.example),
      rewards: [...builtIn, ...this.rewardFns],
      rewardWeights: (names) => rewardWeights(c, names),
      describe: (rewards) =>
        `grpo: G ${c.num_generations}, ${c.per_device_train_batch_size / c.num_generations} prompt(s) per micro-batch, ` +
        `loss ${c.loss_type}, β ${c.beta}, ε ${c.epsilon}/${c.epsilon_high ?? c.epsilon}; rewards ${rewards.map((r) => r.name).join(', ')}`,
      task: (common) =>
        new GrpoTask({
          ...common,
          epsilon: c.epsilon,
          epsilonHigh: c.epsilon_high ?? c.epsilon,
          lossType: c.loss_type,
          scaleRewards: c.scale_rewards,
          importanceSamplingLevel: c.importance_sampling_level,
        }),
      run: this.run,
      log: (line) => this.log(line),
    });
  }
}
