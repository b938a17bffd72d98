import { PT_DEFAULTS, PT_OPTION_DOCS, PtTrainer, type PtConfigInput } from '@medgpt/trainers-sft';
import { defineTrainingCommand } from './define-training-command.js';

/** `medgpt pt`: MedicalGPT's training/pretraining.py with its flags (and transformers'). */
export const ptCommand = defineTrainingCommand({
  name: 'pt',
  summary: 'continued pretraining on domain text (pretraining.py), full or LoRA',
  description:
    'MedicalGPT\'s pretraining.py: *.txt lines and *.jsonl "text" fields, tokenised and grouped into\n' +
    '--block_size blocks with EOS between documents; loss on every token. LoRA by default (--use_peft true);\n' +
    '--use_peft false trains every weight. Checkpoints (checkpoint-<step>/) are written atomically;\n' +
    '--resume_from_checkpoint true continues the newest one exactly. Ctrl-C saves a checkpoint and stops.',
  examples: [
    'medgpt pt --model_name_or_path models/base --train_file_dir data/medicalgpt/pretrain --output_dir outputs-pt \\\n' +
      '    --block_size 512 --per_device_train_batch_size 4 --gradient_accumulation_steps 8 --learning_rate 2e-4 \\\n' +
      '    --num_train_epochs 0.5 --warmup_steps 5 --use_peft true --lora_rank 8 --lora_alpha 16',
  ],
  docs: PT_OPTION_DOCS,
  defaults: { ...PT_DEFAULTS, output_dir: 'outputs-pt' },
  trainer: (config, log) => new PtTrainer(config as PtConfigInput, { log }),
});
