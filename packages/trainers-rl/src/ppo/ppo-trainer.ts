import { resolveModelDir } from '@medgpt/hub';
import { loadModel } from '@medgpt/models';
import type { StageModel, StageResult } from '@medgpt/trainer';
import { ROLLOUT_DEFAULTS } from '../config/rollout-options.js';
import { conversationPrompts } from '../rollout/conversation-prompts.js';
import { RolloutTrainer, type RolloutRunOptions } from '../rollout/rollout-trainer.js';
import { runRolloutStage } from '../rollout/run-rollout-stage.js';
import { KlController } from './kl-controller.js';
import { resolvePpoConfig, type PpoConfig, type PpoConfigInput } from './ppo-config.js';
import { PpoTask } from './ppo-task.js';
import { ValueModel } from './value-model.js';

/**
 * PPO (TRL's PPOTrainer, and MedicalGPT's ppo_training.py before it moved to RLOO): one completion per
 * prompt sampled by the serving engine, the reward model's score at its end and a per-token KL penalty to
 * the reference, a value model (from the reward model's weights) trained beside the policy, GAE,
 * whitened advantages, --num_ppo_epochs steps per rollout batch, clipped policy and value losses.
 *
 * ```ts
 * await new PpoTrainer({
 *   sft_model_path: 'outputs-sft', reward_model_path: 'outputs-rm', train_file_dir: 'data/medicalgpt/sft',
 *   use_peft: true, response_length: 128, per_device_train_batch_size: 8, max_steps: 100,
 * }).train();
 * ```
 */
export class PpoTrainer extends RolloutTrainer<PpoConfig> {
  constructor(config: PpoConfigInput, run: RolloutRunOptions = {}) {
    super(resolvePpoConfig(config), run);
  }

  protected async trainStage({ model, tokenizer: base }: StageModel): Promise<StageResult> {
    const c = this.config;
    const setup = this.promptSetup(base);
    const data = await conversationPrompts(
      c.train_file_dir,
      setup.format,
      setup.tokenizer,
      c.max_source_length,
      c.tool_format,
    );
    this.log(
      `ppo data: ${data.records} records read, ${data.invalid} invalid; ${data.examples.length} training prompts ` +
        `(one per human turn)${data.cut > 0 ? `; ${data.cut} prompts cut to max_source_length ${c.max_source_length}` : ''}`,
    );
    const valueDir = await resolveModelDir(c.value_model_path ?? c.reward_model_path, {
      ...this.run.hub,
      kind: 'model',
      option: c.value_model_path ? 'value_model_path' : 'reward_model_path',
    });
    const valueModel = new ValueModel(await loadModel(valueDir));
    const kl = new KlController(
      c.kl_coef,
      c.adap_kl_ctrl ? { target: c.target_kl, horizon: c.kl_horizon } : null,
    );
    try {
      return await runRolloutStage({
        stage: 'ppo',
        config: {
          ...ROLLOUT_DEFAULTS,
          ...c,
          num_generations: 1,
          max_completion_length: c.response_length,
          beta: c.kl_coef,
          num_iterations: c.num_ppo_epochs,
          reward_model_path: c.reward_model_path,
        },
        model,
        tokenizer: setup.tokenizer,
        examples: data.examples,
        rewards: [...this.rewardFns],
        rewardWeights: (names) => names.map(() => 1),
        describe: (rewards) =>
          `ppo: ${c.num_ppo_epochs} epochs per rollout batch, KL ${c.kl_estimator} β ${c.kl_coef}` +
          `${c.adap_kl_ctrl ? ` (adaptive, target ${c.target_kl})` : ''}, γ ${c.gamma} λ ${c.lam}, ` +
          `value model from ${valueDir} (${valueModel.parameters.reduce((n, v) => n + v.size, 0).toLocaleString('en-US')} parameters); ` +
          `rewards ${rewards.map((r) => r.name).join(', ')}`,
        task: (common) =>
          new PpoTask({
            ...common,
            valueModel,
            kl,
            klEstimator: c.kl_estimator,
            cliprange: c.cliprange,
            cliprangeValue: c.cliprange_value,
            vfCoef: c.vf_coef,
            gamma: c.gamma,
            lam: c.lam,
            whitenRewards: c.whiten_rewards,
            missingEosPenalty: c.missing_eos_penalty,
          }),
        run: this.run,
        log: (line) => this.log(line),
      });
    } finally {
      valueModel.dispose();
    }
  }
}
