import { loadModel, type CausalLM } from '@medgpt/models';
import type { LoraWeights, ModelOptions, TrainableWeights } from '@medgpt/trainer';
import { adapterDisabledReference, modelReference, type ReferenceModel } from './reference-model.js';

export interface ReferenceChoice {
  /** --reference_model: a separate frozen model dir. */
  referenceModel: string | null;
  /** The reference runs only before training (precompute_ref_log_probs). */
  beforeTrainingOnly: boolean;
}

/**
 * The reference TRL would use: --reference_model when given; else the base under the LoRA adapters
 * with them disabled; else (full fine-tuning) the policy itself when it is only needed before the
 * first step, or a frozen copy of the base loaded beside it.
 */
export async function chooseReference(
  model: CausalLM,
  weights: TrainableWeights,
  options: ModelOptions & ReferenceChoice,
): Promise<ReferenceModel> {
  const dtype = options.torch_dtype ?? 'auto';
  if (options.referenceModel) {
    const loaded = await loadModel(options.referenceModel, { dtype });
    return modelReference(loaded, `--reference_model ${options.referenceModel}`, true);
  }
  if (weights.kind === 'lora') return adapterDisabledReference((weights as LoraWeights).peft);
  if (options.beforeTrainingOnly) return modelReference(model, 'the base model, before training', false);
  const copy = await loadModel(options.model_name_or_path, { dtype });
  return modelReference(copy, `a frozen copy of ${options.model_name_or_path}`, true);
}
