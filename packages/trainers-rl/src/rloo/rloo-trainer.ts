import { chatTemplateFormat, namedTemplateFormat } from '@medgpt/serving';
import {
  chatDataSetup,
  StageTrainer,
  type ModelOptions,
  type StageModel,
  type StageResult,
} from '@medgpt/trainer';
import { rewardNames, rewardWeights } from '../config/rollout-options.js';
import { stageModelOptions } from '../config/trl-model-options.js';
import type { RolloutRunOptions } from '../grpo/grpo-trainer.js';
import { builtInReward, type BuiltInReward, type NamedReward } from '../rewards/reward-function.js';
import { conversationPrompts } from '../rollout/conversation-prompts.js';
import { runRolloutStage } from '../rollout/run-rollout-stage.js';
import { resolveRlooConfig, type RlooConfig, type RlooConfigInput } from './rloo-config.js';
import { RlooTask } from './rloo-task.js';

/**
 * RLOO (MedicalGPT's ppo_training.py, which trains TRL's RLOOTrainer): every human turn of the SFT
 * conversations becomes a prompt (its history rendered before it), G completions are sampled by the
 * serving engine, scored by a reward model (--reward_model_path, `medgpt rm`) and/or reward functions,
 * and trained with leave-one-out baselines and the KL to the reference folded into the reward.
 *
 * ```ts
 * await new RlooTrainer({
 *   sft_model_path: 'outputs-sft', reward_model_path: 'outputs-rm', train_file_dir: 'data/medicalgpt/sft',
 *   num_generations: 2, per_device_train_batch_size: 4, max_completion_length: 128, max_steps: 100,
 * }).train();
 * ```
 */
export class RlooTrainer extends StageTrainer<RlooConfig> {
  private readonly rewardFns: readonly NamedReward[];

  constructor(config: RlooConfigInput, run: RolloutRunOptions = {}) {
    super(resolveRlooConfig(config), run);
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
    const { examples, records, invalid, cut } = await conversationPrompts(
      c.train_file_dir,
      format,
      setup.tokenizer,
      c.max_source_length,
      c.tool_format,
    );
    this.log(
      `rloo data: ${records} records read, ${invalid} invalid; ` +
        `${examples.length} training prompts (one per human turn)` +
        (cut > 0 ? `; ${cut} prompts cut to max_source_length ${c.max_source_length}` : ''),
    );
    const options = { maxCompletionLength: c.max_completion_length, softPunishCache: c.soft_punish_cache };
    const builtIn = rewardNames({ reward_funcs: c.reward_funcs, reward_model_path: null }).map((n) =>
      builtInReward(n as BuiltInReward, options),
    );
    return runRolloutStage({
      stage: 'rloo',
      config: c,
      model,
      tokenizer: setup.tokenizer,
      examples,
      rewards: [...builtIn, ...this.rewardFns],
      rewardWeights: (names) => rewardWeights(c, names),
      describe: (rewards) =>
        `rloo: G ${c.num_generations}, β ${c.beta} (KL in the reward), ε ${c.epsilon}/${c.epsilon_high ?? c.epsilon}; ` +
        `rewards ${rewards.map((r) => r.name).join(', ')}`,
      task: (common) =>
        new RlooTask({
          ...common,
          epsilon: c.epsilon,
          epsilonHigh: c.epsilon_high ?? c.epsilon,
          normalizeAdvantages: c.normalize_advantages,
          rewardClipRange: c.reward_clip_range,
        }),
      run: this.run,
      log: (line) => this.log(line),
    });
  }
}
