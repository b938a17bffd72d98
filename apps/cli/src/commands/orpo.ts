import {
  ORPO_DEFAULTS,
  ORPO_OPTION_DOCS,
  ORPO_TRAINING_DEFAULTS,
  OrpoTrainer,
  type OrpoConfigInput,
} from '@medgpt/trainers-pref';
import { defineTrainingCommand } from './define-training-command.js';

/** `medgpt orpo`: MedicalGPT's orpo_training.py with the real odds-ratio loss. */
export const orpoCommand = defineTrainingCommand({
  name: 'orpo',
  summary: 'odds-ratio preference optimization, no reference model (orpo_training.py)',
  description:
    "MedicalGPT's orpo_training.py, on the same data as dpo: the chosen answer's NLL plus λ (--orpo_beta)\n" +
    "times -logσ(log odds(chosen) - log odds(rejected)), from per-token mean log-probs. (MedicalGPT's\n" +
    'script asks TRL for DPOConfig(loss_type="orpo"), which TRL >= 0.29 rejects; this is ORPO itself.)\n' +
    'Metrics: rewards/*, logps/*, logits/*, nll_loss, log_odds_ratio, log_odds_chosen.',
  examples: [
    'medgpt orpo --model_name_or_path outputs-sft --train_file_dir data/medicalgpt/reward --output_dir outputs-orpo \\\n' +
      '    --per_device_train_batch_size 2 --gradient_accumulation_steps 8 --max_steps 100 --orpo_beta 0.1',
  ],
  docs: ORPO_OPTION_DOCS,
  defaults: { ...ORPO_TRAINING_DEFAULTS, ...ORPO_DEFAULTS },
  trainer: (config, log) => new OrpoTrainer(config as OrpoConfigInput, { log }),
});
