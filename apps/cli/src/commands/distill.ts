import {
  DISTILL_DEFAULTS,
  DISTILL_OPTION_DOCS,
  DISTILL_TRAINING_DEFAULTS,
  DistillTrainer,
  type DistillConfigInput,
} from '@medgpt/trainers-rl';
import { defineTrainingCommand } from './define-training-command.js';

/** `medgpt distill`: MedicalGPT's opd_training.py (TRL's GKDTrainer), completions from the serving engine. */
export const distillCommand = defineTrainingCommand({
  name: 'distill',
  summary: 'on-policy distillation of a teacher into the student (opd_training.py), LoRA or full',
  description:
    "MedicalGPT's opd_training.py over TRL's GKD: every assistant turn of the SFT conversations is a sample; on an\n" +
    '--opd_lambda share of the steps the student answers its prompts itself (the serving engine samples at\n' +
    "--temperature), on the others the data's answers are used; the frozen teacher (--teacher_model_name_or_path,\n" +
    "which must share the student's tokenizer) scores the same tokens and the student learns its next-token\n" +
    'distributions through the generalised JSD (--opd_beta: 0 forward KL, 1 reverse KL).',
  examples: [
    'medgpt distill --model_name_or_path Qwen2.5-0.5B-Instruct --teacher_model_name_or_path Qwen2.5-7B-Instruct \\\n' +
      '    --train_file_dir data/medicalgpt/sft --use_peft --lora_r 8 --lora_alpha 16 --opd_lambda 0.5 --opd_beta 0.5',
  ],
  required: ['model_name_or_path', 'teacher_model_name_or_path', 'train_file_dir'],
  docs: DISTILL_OPTION_DOCS,
  defaults: { ...DISTILL_TRAINING_DEFAULTS, ...DISTILL_DEFAULTS },
  trainer: (config, log) => new DistillTrainer(config as unknown as DistillConfigInput, { log }),
});
