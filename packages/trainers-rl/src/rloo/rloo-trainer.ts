import type { StageModel, StageResult } from '@medgpt/trainer';
import { rewardWeights } from '../config/rollout-options.js';
import { conversationPrompts } from '../rollout/conversation-prompts.js';
import { RolloutTrainer, type RolloutRunOptions } from '../rollout/rollout-trainer.js';
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
export class RlooTrainer extends RolloutTrainer<RlooConfig> {
  constructor(config: RlooConfigInput, run: RolloutRunOptions = {}) {
    super(resolveRlooConfig(config), run);
  }

  protected async trainStage({ model, tokenizer: base }: StageModel): Promise<StageResult> {
    const c = this.config;
    const setup = this.promptSetup(base);
    const { examples, records, invalid, cut } = await conversationPrompts(
      c.train_file_dir,
      setup.format,
      setup.tokenizer,
      c.max_source_length,
      c.tool_format,
    );
    this.log(
      `rloo data: ${records} records read, ${invalid} invalid; ` +
        `${examples.length} training prompts (one per human turn)` +
        (cut > 0 ? `; ${cut} prompts cut to max_source_length ${c.max_source_length}` : ''),
    );
    return runRolloutStage({
      stage: 'rloo',
      config: c,
      model,
      tokenizer: setup.tokenizer,
      examples,
      rewards: this.rewards(c),
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
