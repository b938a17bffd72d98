import {
  paddingId,
  routerAuxLossCoef,
  runStage,
  StageTrainer,
  type StageModel,
  type StageResult,
  type StageRunOptions,
} from '@medgpt/trainer';
import { pairMaxLength } from '../config/pair-stage-options.js';
import { describePreferenceEval } from '../pairwise/describe-preference-eval.js';
import { chooseReference } from '../reference/choose-reference.js';
import type { ReferenceModel } from '../reference/reference-model.js';
import { resolveKtoConfig, type KtoConfig, type KtoConfigInput } from './kto-config.js';
import { ktoData } from './kto-data.js';
import { KtoTask, type KtoRow } from './kto-task.js';

/**
 * KTO (TRL's KTOTrainer): unpaired answers, each labelled desirable or not, against a frozen reference
 * and the batch's KL reference point. Paired preference files work too (each pair gives two rows).
 *
 * ```ts
 * await new KtoTrainer({
 *   model_name_or_path: 'outputs-sft', train_file_dir: 'data/medicalgpt/reward', output_dir: 'outputs-kto',
 *   beta: 0.1, per_device_train_batch_size: 8, max_steps: 100,
 * }).train();
 * ```
 */
export class KtoTrainer extends StageTrainer<KtoConfig> {
  constructor(config: KtoConfigInput, run: StageRunOptions = {}) {
    super(resolveKtoConfig(config), run);
  }

  protected async trainStage({ model, tokenizer }: StageModel): Promise<StageResult> {
    const c = this.config;
    const data = await ktoData(c, tokenizer);
    for (const note of data.notes) this.log(note);
    this.warnOnImbalance(data.train);
    let reference: ReferenceModel | null = null;
    try {
      return await runStage({
        config: c,
        model,
        tokenizer: data.tokenizer,
        train: data.train,
        eval: data.eval,
        exampleLength: (row) => row.promptIds.length + row.completionIds.length,
        beforeTraining: async (weights) => {
          reference = await chooseReference(model, weights, {
            ...c,
            referenceModel: c.reference_model,
            hub: this.run.hub,
            beforeTrainingOnly: false,
          });
          this.log(
            `kto: β ${c.beta}, λ_D ${c.desirable_weight}, λ_U ${c.undesirable_weight}; reference: ${reference.description}`,
          );
        },
        task: (weights) =>
          new KtoTask({
            model,
            weights,
            reference: reference!,
            padTokenId: paddingId(data.tokenizer),
            maxLength: pairMaxLength(c),
            truncationMode: c.truncation_mode,
            beta: c.beta,
            desirableWeight: c.desirable_weight,
            undesirableWeight: c.undesirable_weight,
            routerAuxLossCoef: routerAuxLossCoef(model, c),
            saveExtras: (dir) => data.tokenizer.save(dir),
          }),
        describeEval: describePreferenceEval,
        run: this.run,
      });
    } finally {
      (reference as ReferenceModel | null)?.dispose();
    }
  }

  /** The KTO paper (and TRL) want λ_D·n_D / (λ_U·n_U) in [1, 4/3]. */
  private warnOnImbalance(rows: readonly KtoRow[]): void {
    const c = this.config;
    const desirable = rows.filter((r) => r.label).length;
    const undesirable = rows.length - desirable;
    if (desirable === 0 || undesirable === 0) {
      this.log(`warning: kto: the training rows are all ${desirable === 0 ? 'undesirable' : 'desirable'}`);
      return;
    }
    const ratio = (c.desirable_weight * desirable) / (c.undesirable_weight * undesirable);
    if (ratio < 1 || ratio > 4 / 3) {
      this.log(
        `warning: kto: λ_D·n_D / (λ_U·n_U) = ${ratio.toFixed(3)} is outside [1, 1.33]; the KTO paper suggests ` +
          'setting --desirable_weight / --undesirable_weight so that it falls inside',
      );
    }
  }
}
