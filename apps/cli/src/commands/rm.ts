import {
  RM_DEFAULTS,
  RM_OPTION_DOCS,
  RM_TRAINING_DEFAULTS,
  RewardTrainer,
  type RewardConfigInput,
} from '@medgpt/trainers-pref';
import { defineTrainingCommand } from './define-training-command.js';

/** `medgpt rm`: MedicalGPT's reward_modeling.py. */
export const rmCommand = defineTrainingCommand({
  name: 'rm',
  summary: 'reward model: a scalar head on the base, trained on preference pairs (reward_modeling.py)',
  description:
    "MedicalGPT's reward_modeling.py (TRL's RewardTrainer loss): the base loaded as a sequence classifier\n" +
    '(AutoModelForSequenceClassification, one label, a new `score` head), each answer scored at its last\n' +
    'non-pad token, loss -logσ(r_chosen - r_rejected) (+ --center_rewards_coefficient). LoRA by default: a\n' +
    'peft SEQ_CLS adapter with the score head trained in full (`medgpt merge` makes a full classifier of it);\n' +
    '--use_peft false saves a classifier checkpoint transformers loads. Metrics: accuracy, margin,\n' +
    'mean_reward, min_reward, max_reward (eval_* for the evaluation).',
  examples: [
    'medgpt rm --model_name_or_path outputs-sft --train_file_dir data/medicalgpt/reward --output_dir outputs-rm \\\n' +
      '    --max_source_length 1024 --max_target_length 256 --learning_rate 2e-5 --num_train_epochs 1 \\\n' +
      '    --per_device_train_batch_size 4 --gradient_accumulation_steps 8 --lora_rank 8 --lora_alpha 16',
  ],
  docs: RM_OPTION_DOCS,
  defaults: { ...RM_TRAINING_DEFAULTS, ...RM_DEFAULTS },
  trainer: (config, log) => new RewardTrainer(config as RewardConfigInput, { log }),
});
