/**
 * ppo_training.py's rule for the policy: --sft_model_path when given, else --model_name_or_path (the
 * input with model_name_or_path set from sft_model_path).
 */
export function withSftModelPath<T extends { sft_model_path?: string | null; model_name_or_path?: string }>(
  input: T,
): T {
  const sft = input.sft_model_path;
  return typeof sft === 'string' && sft !== '' ? { ...input, model_name_or_path: sft } : input;
}
