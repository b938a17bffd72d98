import {
  KTO_DEFAULTS,
  KTO_OPTION_DOCS,
  KTO_TRAINING_DEFAULTS,
  KtoTrainer,
  type KtoConfigInput,
} from '@medgpt/trainers-pref';
import { defineTrainingCommand } from './define-training-command.js';

/** `medgpt kto`: TRL's KTOTrainer on unpaired (or paired) preference data. */
export const ktoCommand = defineTrainingCommand({
  name: 'kto',
  summary: 'KTO: unpaired answers labelled desirable or not, against a frozen reference (TRL KTO)',
  description:
    "TRL's KTOTrainer: rows {prompt, completion, label} (or ShareGPT + kto_tag); paired preference files\n" +
    'are split into a desirable (chosen) and an undesirable (rejected) row each. Each row is judged against\n' +
    "the batch's KL reference point (prompts paired with other rows' completions), so batches need 2+ rows.\n" +
    'Metrics: rewards/chosen|rejected|margins, logps/*, logits/*, kl.',
  examples: [
    'medgpt kto --model_name_or_path outputs-sft --train_file_dir data/medicalgpt/reward --output_dir outputs-kto \\\n' +
      '    --per_device_train_batch_size 8 --max_steps 100 --beta 0.1 --desirable_weight 1 --undesirable_weight 1',
  ],
  docs: KTO_OPTION_DOCS,
  defaults: { ...KTO_TRAINING_DEFAULTS, ...KTO_DEFAULTS },
  trainer: (config, log) => new KtoTrainer(config as KtoConfigInput, { log }),
});
