import { StageTrainer, type StageModel, type StageResult, type StageRunOptions } from '@medgpt/trainer';
import { pairData } from '../data/pair-data.js';
import { runPairStage } from '../pairwise/run-pair-stage.js';
import { resolveCpoConfig, type CpoConfig, type CpoConfigInput } from './cpo-config.js';
import { CpoTask } from './cpo-task.js';

/**
 * CPO and SimPO (TRL's CPOTrainer): reference-free preference training on the same data as DPO.
 * `new CpoTrainer(config)` starts from CPO's defaults; SimpoTrainer from pure SimPO's.
 *
 * ```ts
 * await new SimpoTrainer({
 *   model_name_or_path: 'outputs-sft', train_file_dir: 'data/medicalgpt/reward', output_dir: 'outputs-simpo',
 *   simpo_gamma: 1, beta: 2, max_steps: 100,
 * }).train();
 * ```
 */
export class CpoTrainer extends StageTrainer<CpoConfig> {
  constructor(config: CpoConfigInput, run: StageRunOptions = {}, variant: 'cpo' | 'simpo' = 'cpo') {
    super(resolveCpoConfig(config, variant), run);
  }

  protected async trainStage({ model, tokenizer }: StageModel): Promise<StageResult> {
    const c = this.config;
    const data = await pairData(c.loss_type === 'simpo' ? 'simpo' : 'cpo', c, tokenizer);
    for (const note of data.notes) this.log(note);
    this.log(
      `cpo: loss ${c.loss_type}, β ${c.beta}` +
        `${c.loss_type === 'simpo' ? `, γ ${c.simpo_gamma}` : ''}, cpo_alpha ${c.cpo_alpha}; no reference model`,
    );
    return runPairStage({
      config: c,
      model,
      data,
      truncate: true,
      task: (base) =>
        new CpoTask({
          ...base,
          lossType: c.loss_type,
          beta: c.beta,
          simpoGamma: c.simpo_gamma,
          cpoAlpha: c.cpo_alpha,
          labelSmoothing: c.label_smoothing,
        }),
      run: this.run,
    });
  }
}

/** SimPO: CpoTrainer from SIMPO_DEFAULTS (loss simpo, cpo_alpha 0, β 2, γ 1). */
export class SimpoTrainer extends CpoTrainer {
  constructor(config: CpoConfigInput, run: StageRunOptions = {}) {
    super(config, run, 'simpo');
  }
}
