import {
  fullWeights,
  loadStageModel,
  loraWeights,
  paddingId,
  StageTrainer,
  type EvalMetrics,
  type StageModel,
  type StageResult,
  type StageRunOptions,
} from '@medgpt/trainer';
import { runPairStage } from '../pairwise/run-pair-stage.js';
import { resolveRewardConfig, type RewardConfig, type RewardConfigInput } from './rm-config.js';
import { rewardData } from './reward-data.js';
import { RewardTask } from './reward-task.js';

/**
 * The reward model (MedicalGPT's reward_modeling.py, TRL's RewardTrainer): the base loaded as a
 * sequence classifier with one label (transformers' AutoModelForSequenceClassification: the body,
 * and a `score` head drawn from --seed), trained on preference pairs with the pairwise loss. With LoRA
 * (the default) the adapter is a peft SEQ_CLS adapter whose score head trains in full; without it the
 * output is a full classifier checkpoint (config.json with `...ForSequenceClassification`, one label
 * and pad_token_id) that transformers and our PPO load. `medgpt merge` turns the adapter into one.
 *
 * ```ts
 * await new RewardTrainer({
 *   model_name_or_path: 'outputs-sft', train_file_dir: 'data/medicalgpt/reward', output_dir: 'outputs-rm',
 *   per_device_train_batch_size: 4, num_train_epochs: 1,
 * }).train();
 * ```
 */
export class RewardTrainer extends StageTrainer<RewardConfig> {
  constructor(config: RewardConfigInput, run: StageRunOptions = {}) {
    super(resolveRewardConfig(config), run);
  }

  protected override loadModel(): Promise<StageModel> {
    return loadStageModel(this.config, { numLabels: 1, scoreSeed: this.config.seed }, this.run.hub);
  }

  protected async trainStage({ model, tokenizer }: StageModel): Promise<StageResult> {
    const c = this.config;
    const data = await rewardData(c, tokenizer);
    for (const note of data.notes) this.log(note);
    // transformers reads each row's reward at its last token that is not pad_token_id.
    model.setPadTokenId(paddingId(data.tokenizer));
    return runPairStage({
      config: c,
      model,
      data,
      truncate: false, // over-long pairs were dropped, as TRL's RewardTrainer filters them
      weights: (m) =>
        c.use_peft ? loraWeights(m, c, c.seed, 'SEQ_CLS', this.run.hub) : Promise.resolve(fullWeights(m)),
      task: (base) => new RewardTask({ ...base, centerRewardsCoefficient: c.center_rewards_coefficient }),
      describeEval: describeRewardEval,
      run: this.run,
    });
  }
}

function describeRewardEval(m: EvalMetrics): string {
  const parts = [`loss ${m.eval_loss.toFixed(4)}`];
  if (m.eval_accuracy !== undefined) parts.push(`accuracy ${m.eval_accuracy.toFixed(3)}`);
  if (m.eval_margin !== undefined) parts.push(`margin ${m.eval_margin.toFixed(4)}`);
  return parts.join(', ');
}
