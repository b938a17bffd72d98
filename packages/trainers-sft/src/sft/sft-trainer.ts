import {
  paddingId,
  StageTrainer,
  type StageModel,
  type StageResult,
  type StageRunOptions,
} from '@medgpt/trainer';
import { runCausalLmStage } from '../stage/run-causal-lm-stage.js';
import { resolveSftConfig, type SftConfig, type SftConfigInput } from './sft-config.js';
import { sftData } from './sft-data.js';

/**
 * Supervised fine-tuning (MedicalGPT's supervised_finetuning.py): multi-turn ShareGPT conversations
 * rendered with a template or the tokenizer's chat template, loss on the answers only, full
 * fine-tuning or LoRA, optional NEFTune and packing. Options are supervised_finetuning.py's and
 * transformers' TrainingArguments', with their names and defaults.
 *
 * ```ts
 * const result = await new SftTrainer({
 *   model_name_or_path: 'outputs-pt', train_file_dir: 'data/sft', output_dir: 'outputs-sft',
 *   template_name: 'qwen', model_max_length: 512, use_peft: true, num_train_epochs: 1,
 * }).train();
 * console.log(result.evalMetrics?.eval_perplexity);
 * ```
 */
export class SftTrainer extends StageTrainer<SftConfig> {
  constructor(config: SftConfigInput, run: StageRunOptions = {}) {
    super(resolveSftConfig(config), run);
  }

  protected async trainStage({ model, tokenizer }: StageModel): Promise<StageResult> {
    const c = this.config;
    const data = await sftData(c, tokenizer);
    for (const note of data.notes) this.log(note);
    this.log(
      `sft template: ${c.template_name ?? "the tokenizer's chat template"}, model_max_length ${c.model_max_length}`,
    );
    return runCausalLmStage({
      config: c,
      model,
      tokenizer: data.tokenizer,
      train: data.train,
      eval: data.eval,
      padTokenId: paddingId(data.tokenizer),
      // DataCollatorForSeq2Seq(pad_to_multiple_of=4) for right padding, as MedicalGPT collates.
      padToMultipleOf: c.packing ? undefined : 4,
      packed: c.packing,
      neftune: c.neft_alpha > 0 ? { alpha: c.neft_alpha, scale: c.neft_scale } : undefined,
      shiftAttn: c.shift_attn,
      run: this.run,
    });
  }
}
