import { StageTrainer, type StageModel, type StageResult, type StageRunOptions } from '@medgpt/trainer';
import { runCausalLmStage } from '../stage/run-causal-lm-stage.js';
import { resolvePtConfig, type PtConfig, type PtConfigInput } from './pt-config.js';
import { ptData } from './pt-data.js';

/**
 * Continued pretraining (MedicalGPT's pretraining.py): raw domain text grouped into blocks, loss on
 * every token, full fine-tuning or LoRA. Options are pretraining.py's and transformers'
 * TrainingArguments', with their names and defaults.
 *
 * ```ts
 * const result = await new PtTrainer({
 *   model_name_or_path: 'models/base', train_file_dir: 'data/pretrain', output_dir: 'outputs-pt',
 *   block_size: 512, use_peft: false, max_steps: 100,
 * }).train();
 * ```
 */
export class PtTrainer extends StageTrainer<PtConfig> {
  constructor(config: PtConfigInput, run: StageRunOptions = {}) {
    super(resolvePtConfig(config), run);
  }

  protected async trainStage({ model, tokenizer }: StageModel, padTokenId: number): Promise<StageResult> {
    const data = await ptData(this.config, tokenizer, padTokenId);
    for (const note of data.notes) this.log(note);
    this.log(
      `pt: ${data.rows.train} text rows -> ${data.train.length} training rows; ${data.rows.validation} -> ${data.eval.length} evaluation`,
    );
    return runCausalLmStage({
      config: this.config,
      model,
      tokenizer,
      train: data.train,
      eval: data.eval,
      padTokenId,
      shiftAttn: this.config.shift_attn,
      run: this.run,
    });
  }
}
