import { StageTrainer, type StageModel, type StageResult, type StageRunOptions } from '@medgpt/trainer';
import { pairData } from '../data/pair-data.js';
import { runPairStage } from '../pairwise/run-pair-stage.js';
import { resolveOrpoConfig, type OrpoConfig, type OrpoConfigInput } from './orpo-config.js';
import { OrpoTask } from './orpo-task.js';

/**
 * ORPO (MedicalGPT's orpo_training.py, with the real odds-ratio loss: its script asks TRL for
 * DPOConfig(loss_type="orpo"), which TRL >= 0.29 rejects). No reference model: the chosen answer's NLL
 * plus λ (--orpo_beta) times the odds-ratio term.
 *
 * ```ts
 * await new OrpoTrainer({
 *   model_name_or_path: 'outputs-sft', train_file_dir: 'data/medicalgpt/reward', output_dir: 'outputs-orpo',
 *   orpo_beta: 0.1, max_steps: 100,
 * }).train();
 * ```
 */
export class OrpoTrainer extends StageTrainer<OrpoConfig> {
  constructor(config: OrpoConfigInput, run: StageRunOptions = {}) {
    super(resolveOrpoConfig(config), run);
  }

  protected async trainStage({ model, tokenizer }: StageModel): Promise<StageResult> {
    const c = this.config;
    const data = await pairData('orpo', c, tokenizer);
    for (const note of data.notes) this.log(note);
    this.log(`orpo: λ (--orpo_beta) ${c.orpo_beta}; no reference model`);
    return runPairStage({
      config: c,
      model,
      data,
      truncate: true,
      task: (base) => new OrpoTask({ ...base, lambda: c.orpo_beta }),
      run: this.run,
    });
  }
}
