import {
  PPO_DEFAULTS,
  PPO_OPTION_DOCS,
  PPO_TRAINING_DEFAULTS,
  PpoTrainer,
  type PpoConfigInput,
} from '@medgpt/trainers-rl';
import { defineTrainingCommand } from './define-training-command.js';

/** `medgpt ppo`: TRL's PPOTrainer (and MedicalGPT's ppo_training.py before RLOO), a value model beside the policy. */
export const ppoCommand = defineTrainingCommand({
  name: 'ppo',
  summary: 'PPO with a reward model and a value model (GAE, clipped losses), LoRA or full',
  description:
    "PPO as TRL's PPOTrainer runs it (MedicalGPT's ppo_training.py before it moved to RLOO; `medgpt rloo` is what\n" +
    'it runs now): one completion per prompt sampled from the live policy by the serving engine, the reward\n' +
    "model's score at its end and a per-token KL penalty to the reference (--kl_coef, k1 or k3; --adap_kl_ctrl\n" +
    "adapts it towards --target_kl), a value model (the reward model's weights, or --value_model_path) trained\n" +
    'beside the policy, GAE (--gamma, --lam), whitened advantages, --num_ppo_epochs optimizer steps per rollout\n' +
    'batch, clipped policy and value losses. Metrics (TRL names): objective/kl|scores|rlhf_reward, policy/*,\n' +
    'loss/policy_avg|value_avg, val/clipfrac_avg in metrics.jsonl.',
  examples: [
    'medgpt ppo --sft_model_path outputs-sft --reward_model_path outputs-rm --train_file_dir data/medicalgpt/sft \\\n' +
      '    --output_dir outputs-ppo --use_peft --per_device_train_batch_size 8 --response_length 128 --missing_eos_penalty 1',
  ],
  required: ['train_file_dir', 'reward_model_path'],
  docs: PPO_OPTION_DOCS,
  defaults: { ...PPO_TRAINING_DEFAULTS, ...PPO_DEFAULTS },
  trainer: (config, log) => new PpoTrainer(config as unknown as PpoConfigInput, { log }),
});
