import { createLoraConfig, type LoraConfig, type TaskType } from './lora-config.js';

/** MedicalGPT's LoRA script arguments (pretraining.py, supervised_finetuning.py, dpo_training.py ...). */
export interface MedicalGptLoraArgs {
  /** Comma-separated module names, or `all` (default) for every linear layer but lm_head. */
  target_modules?: string | null;
  /** Default 8. */
  lora_rank?: number;
  /** Default 32 (PT/SFT/RM; the DPO/ORPO scripts default to 16). */
  lora_alpha?: number;
  /** Default 0.05. */
  lora_dropout?: number;
  /** Comma-separated modules trained in full, e.g. `embed_tokens,lm_head` after vocabulary extension. */
  modules_to_save?: string | null;
  /** TRL ModelConfig's flags (GRPO/RLOO scripts). */
  use_rslora?: boolean;
  use_dora?: boolean;
  /** peft's task: CAUSAL_LM (default), or SEQ_CLS for a reward model (its score head trains in full). */
  task_type?: TaskType;
}

const splitNames = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);

/** The LoraConfig MedicalGPT builds from its flags (task CAUSAL_LM unless given, bias none, peft's init). */
export function medicalGptLoraConfig(
  args: MedicalGptLoraArgs,
  baseModelNameOrPath: string | null = null,
): LoraConfig {
  const targets = args.target_modules ?? 'all';
  return createLoraConfig(
    {
      target_modules: targets === 'all' ? 'all' : splitNames(targets),
      r: args.lora_rank ?? 8,
      lora_alpha: args.lora_alpha ?? 32,
      lora_dropout: args.lora_dropout ?? 0.05,
      modules_to_save: args.modules_to_save ? splitNames(args.modules_to_save) : null,
      use_rslora: args.use_rslora ?? false,
      use_dora: args.use_dora ?? false,
      task_type: args.task_type ?? 'CAUSAL_LM',
      base_model_name_or_path: baseModelNameOrPath,
    },
    'MedicalGPT LoRA arguments',
  );
}
