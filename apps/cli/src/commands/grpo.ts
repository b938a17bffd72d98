import {
  GRPO_DEFAULTS,
  GRPO_OPTION_DOCS,
  GRPO_TRAINING_DEFAULTS,
  GrpoTrainer,
  type GrpoConfigInput,
} from '@medgpt/trainers-rl';
import { defineTrainingCommand } from './define-training-command.js';

/** `medgpt grpo`: MedicalGPT's grpo_training.py (TRL's GRPOTrainer), completions from the serving engine. */
export const grpoCommand = defineTrainingCommand({
  name: 'grpo',
  summary: 'GRPO reinforcement learning with rule rewards (grpo_training.py), LoRA or full',
  description:
    "MedicalGPT's grpo_training.py over TRL's GRPO: rows {question, answer} become R1-style prompts (its system\n" +
    'prompt, then the question, rendered with the chat template or --template_name); --num_generations completions\n' +
    "per prompt are sampled from the live policy by medgpt's serving engine, scored by --reward_funcs (accuracy:\n" +
    'the <answer> against the gold, numbers compared by value, GSM8K golds after ####; format: <think>..</think>\n' +
    '<answer>..</answer>, newlines allowed, unlike grpo_training.py; soft_overlong) and/or --reward_model_path,\n' +
    'and trained with the clipped surrogate on group-normalised advantages (--loss_type, --beta KL to the reference).\n' +
    '--per_device_train_batch_size counts completions, as in TRL. Metrics (TRL names): reward, reward_std,\n' +
    'rewards/<fn>/mean, completions/mean_length, kl, entropy, clip_ratio/* in metrics.jsonl.',
  examples: [
    'medgpt grpo --model_name_or_path outputs-sft --train_file_dir data/medicalgpt/grpo --output_dir outputs-grpo \\\n' +
      '    --use_peft --lora_r 16 --lora_alpha 32 --lora_target_modules q_proj k_proj v_proj o_proj gate_proj up_proj down_proj \\\n' +
      '    --per_device_train_batch_size 4 --num_generations 4 --max_completion_length 512 --beta 0.001 --learning_rate 5e-7',
    'medgpt grpo --model_name_or_path outputs-sft --train_file_dir gsm8k.jsonl --reward_funcs accuracy,format,soft_overlong \\\n' +
      '    --soft_punish_cache 64 --loss_type dr_grpo --scale_rewards none --epsilon_high 0.28',
  ],
  docs: GRPO_OPTION_DOCS,
  defaults: { ...GRPO_TRAINING_DEFAULTS, ...GRPO_DEFAULTS },
  trainer: (config, log) => new GrpoTrainer(config as unknown as GrpoConfigInput, { log }),
});
