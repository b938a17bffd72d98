import { SFT_DEFAULTS, SFT_OPTION_DOCS, SftTrainer, type SftConfigInput } from '@medgpt/trainers-sft';
import { defineTrainingCommand } from './define-training-command.js';

/** `medgpt sft`: MedicalGPT's training/supervised_finetuning.py with its flags (and transformers'). */
export const sftCommand = defineTrainingCommand({
  name: 'sft',
  summary: 'supervised fine-tuning on ShareGPT conversations (supervised_finetuning.py), full or LoRA',
  description:
    "MedicalGPT's supervised_finetuning.py: multi-turn ShareGPT rows rendered with --template_name (or the\n" +
    "tokenizer's chat template), loss on the answers only, EOS after every answer, rows cut to\n" +
    '--model_max_length. LoRA by default (--use_peft true); --use_peft false trains every weight.\n' +
    'Checkpoints (checkpoint-<step>/) are written atomically; --resume_from_checkpoint true continues the\n' +
    'newest one exactly. Ctrl-C saves a checkpoint and stops. Metrics: output_dir/metrics.jsonl, loss.svg.',
  examples: [
    'medgpt sft --model_name_or_path outputs-pt --train_file_dir data/medicalgpt/sft --output_dir outputs-sft \\\n' +
      '    --template_name qwen --model_max_length 512 --per_device_train_batch_size 2 --gradient_accumulation_steps 8 \\\n' +
      '    --learning_rate 2e-5 --num_train_epochs 1 --use_peft true --lora_rank 8 --lora_alpha 16',
    'medgpt sft --config sft.json --resume_from_checkpoint true',
  ],
  docs: SFT_OPTION_DOCS,
  defaults: { ...SFT_DEFAULTS, output_dir: 'outputs-sft' },
  trainer: (config, log) => new SftTrainer(config as SftConfigInput, { log }),
});
