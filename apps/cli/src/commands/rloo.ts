import {
  RLOO_DEFAULTS,
  RLOO_OPTION_DOCS,
  RLOO_TRAINING_DEFAULTS,
  RlooTrainer,
  type RlooConfigInput,
} from '@medgpt/trainers-rl';
import { defineTrainingCommand } from './define-training-command.js';

/** `medgpt rloo`: MedicalGPT's ppo_training.py (TRL's RLOOTrainer), completions from the serving engine. */
export const rlooCommand = defineTrainingCommand({
  name: 'rloo',
  summary: "RLOO reinforcement learning with a reward model (ppo_training.py's 'PPO' stage), LoRA or full",
  description:
    "MedicalGPT's ppo_training.py, which trains TRL's RLOO: every human turn of the SFT conversations becomes a\n" +
    'prompt (its history rendered before it); --num_generations completions per prompt are sampled from the live\n' +
    "policy by medgpt's serving engine, scored by --reward_model_path (a `medgpt rm` model) and/or --reward_funcs,\n" +
    'and trained with leave-one-out baselines, the KL to the reference folded into the reward (--beta), and a\n' +
    "clipped loss on each completion's summed log-probs. The policy is --sft_model_path, else --model_name_or_path.\n" +
    'Unlike ppo_training.py, it ends without an error. Metrics (TRL names): reward, rewards/reward_model/mean,\n' +
    'kl, entropy, clip_ratio/* in metrics.jsonl.',
  examples: [
    'medgpt rloo --sft_model_path outputs-sft --reward_model_path outputs-rm --train_file_dir data/medicalgpt/sft \\\n' +
      '    --output_dir outputs-rloo --use_peft --per_device_train_batch_size 4 --num_generations 2 --max_completion_length 256',
  ],
  // --sft_model_path may stand for --model_name_or_path, as in ppo_training.py.
  required: ['train_file_dir'],
  docs: RLOO_OPTION_DOCS,
  defaults: { ...RLOO_TRAINING_DEFAULTS, ...RLOO_DEFAULTS },
  trainer: (config, log) => new RlooTrainer(config as unknown as RlooConfigInput, { log }),
});
