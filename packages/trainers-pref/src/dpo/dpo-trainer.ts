import {
  paddingId,
  StageTrainer,
  type StageModel,
  type StageResult,
  type StageRunOptions,
} from '@medgpt/trainer';
import { pairMaxLength } from '../config/pair-stage-options.js';
import { pairData } from '../data/pair-data.js';
import { runPairStage } from '../pairwise/run-pair-stage.js';
import { precomputeReferenceLogps } from '../reference/precompute-reference-logps.js';
import { chooseReference } from '../reference/choose-reference.js';
import type { ReferenceModel } from '../reference/reference-model.js';
import { dpoLossMix, resolveDpoConfig, type DpoConfig, type DpoConfigInput } from './dpo-config.js';
import { DpoTask } from './dpo-task.js';

/**
 * DPO (MedicalGPT's dpo_training.py over TRL's DPOTrainer): preference pairs, the policy's log-probs
 * against a frozen reference's, any of TRL's loss types. The reference is the base with the LoRA
 * adapters disabled (LoRA), a frozen copy of the base (full fine-tuning), or --reference_model;
 * --precompute_ref_log_probs computes its log-probs once before training and frees it.
 *
 * ```ts
 * const result = await new DpoTrainer({
 *   model_name_or_path: 'outputs-sft', train_file_dir: 'data/medicalgpt/reward', output_dir: 'outputs-dpo',
 *   beta: 0.1, loss_type: 'sigmoid', max_steps: 100,
 * }).train();
 * console.log(result.train.logHistory.at(-1));
 * ```
 */
export class DpoTrainer extends StageTrainer<DpoConfig> {
  constructor(config: DpoConfigInput, run: StageRunOptions = {}) {
    super(resolveDpoConfig(config), run);
  }

  protected async trainStage({ model, tokenizer }: StageModel): Promise<StageResult> {
    const c = this.config;
    const data = await pairData('dpo', c, tokenizer);
    for (const note of data.notes) this.log(note);
    let reference: ReferenceModel | null = null;
    try {
      return await runPairStage({
        config: c,
        model,
        data,
        truncate: true,
        beforeTraining: async (weights) => {
          reference = await chooseReference(model, weights, {
            ...c,
            referenceModel: c.reference_model,
            hub: this.run.hub,
            beforeTrainingOnly: c.precompute_ref_log_probs,
          });
          this.log(`dpo: β ${c.beta}, loss ${c.loss_type}; reference: ${reference.description}`);
          if (!c.precompute_ref_log_probs) return;
          const options = {
            padTokenId: paddingId(data.tokenizer),
            maxLength: pairMaxLength(c),
            truncationMode: c.truncation_mode,
            batchSize: c.per_device_eval_batch_size,
            log: (l: string) => this.log(l),
          };
          precomputeReferenceLogps(data.train, reference, options);
          precomputeReferenceLogps(data.eval, reference, options);
          reference.dispose(); // training reads the rows' values; a loaded reference leaves the device
          reference = null;
        },
        task: (base) =>
          new DpoTask({
            ...base,
            reference,
            beta: c.beta,
            losses: dpoLossMix(c),
            labelSmoothing: c.label_smoothing,
            discopopTau: c.discopop_tau,
          }),
        run: this.run,
      });
    } finally {
      (reference as ReferenceModel | null)?.dispose();
    }
  }
}
