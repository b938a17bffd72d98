import {
  DPO_DEFAULTS,
  DPO_OPTION_DOCS,
  DPO_TRAINING_DEFAULTS,
  DpoTrainer,
  type DpoConfigInput,
} from '@medgpt/trainers-pref';
import { defineTrainingCommand } from './define-training-command.js';

/** `medgpt dpo`: MedicalGPT's dpo_training.py, with the DPOConfig knobs its script leaves out. */
export const dpoCommand = defineTrainingCommand({
  name: 'dpo',
  summary: 'direct preference optimization on preference pairs (dpo_training.py), LoRA or full',
  description:
    "MedicalGPT's dpo_training.py over TRL's DPO: pairs (conversations + chosen/rejected, or\n" +
    'prompt/chosen/rejected) rendered with --template_name or the chat template; the policy against a frozen reference\n' +
    '(the base with adapters off under LoRA, a frozen copy for full fine-tuning, or --reference_model).\n' +
    'Unlike dpo_training.py, --beta and --loss_type work (sigmoid, ipo, hinge, robust, ...) and an unknown\n' +
    'flag is an error. --precompute_ref_log_probs runs the reference once before training.\n' +
    'Metrics (TRL names): rewards/chosen|rejected|accuracies|margins, logps/*, logits/* in metrics.jsonl.',
  examples: [
    'medgpt dpo --model_name_or_path outputs-sft --train_file_dir data/medicalgpt/reward --output_dir outputs-dpo \\\n' +
      '    --per_device_train_batch_size 4 --gradient_accumulation_steps 8 --max_steps 100 --max_source_length 1024 \\\n' +
      '    --max_target_length 512 --target_modules all --lora_rank 8 --lora_alpha 16 --beta 0.1 --loss_type sigmoid',
    'medgpt dpo --model_name_or_path outputs-sft --train_file_dir data/medicalgpt/reward --loss_type ipo --beta 0.5',
  ],
  docs: DPO_OPTION_DOCS,
  defaults: { ...DPO_TRAINING_DEFAULTS, ...DPO_DEFAULTS },
  trainer: (config, log) => new DpoTrainer(config as DpoConfigInput, { log }),
});
