import { loadStageDatasets } from '@medgpt/data';
import type { StageModel, StageResult } from '@medgpt/trainer';
import { rewardWeights } from '../config/rollout-options.js';
import { promptExample } from '../rollout/prompt-example.js';
import { RolloutTrainer, type RolloutRunOptions } from '../rollout/rollout-trainer.js';
import { runRolloutStage } from '../rollout/run-rollout-stage.js';
import { resolveGrpoConfig, type GrpoConfig, type GrpoConfigInput } from './grpo-config.js';
import { GrpoTask } from './grpo-task.js';

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
export class GrpoTrainer extends RolloutTrainer<GrpoConfig> {
  constructor(config: GrpoConfigInput, run: RolloutRunOptions = {}) {
    super(resolveGrpoConfig(config), run);
  }

  protected async trainStage({ model, tokenizer: base }: StageModel): Promise<StageResult> {
    const c = this.config;
    const setup = this.promptSetup(base);
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
        setup.format,
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
    return runRolloutStage({
      stage: 'grpo',
      config: c,
      model,
      tokenizer: setup.tokenizer,
      examples: made.map((m) => m.example),
      rewards: this.rewards(c),
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
