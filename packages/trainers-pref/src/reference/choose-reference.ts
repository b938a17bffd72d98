import { resolveModelDir } from '@medgpt/hub';
import type { CausalLM } from '@medgpt/models';
import {
  loadTrainingModel,
  type LoraWeights,
  type ModelOptions,
  type StageHubOptions,
  type TrainableWeights,
} from '@medgpt/trainer';
import { adapterDisabledReference, modelReference, type ReferenceModel } from './reference-model.js';

export interface ReferenceChoice {
  /** --reference_model: a separate frozen model (a directory or a Hub id). */
  referenceModel: string | null;
  /** The reference runs only before training (precompute_ref_log_probs). */
  beforeTrainingOnly: boolean;
  /** How Hub ids are resolved (the run's StageRunOptions.hub; default: the environment). */
  hub?: StageHubOptions;
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
  const dirOf = (idOrPath: string, option: string) =>
    resolveModelDir(idOrPath, { ...options.hub, kind: 'model', option });
  if (options.referenceModel) {
    // Loaded as the policy is (quantised too under --load_in_4bit / --load_in_8bit), as TRL does.
    const loaded = await loadTrainingModel(await dirOf(options.referenceModel, 'reference_model'), options);
    return modelReference(loaded, `--reference_model ${options.referenceModel}`, true);
  }
  if (weights.kind === 'lora') return adapterDisabledReference((weights as LoraWeights).peft);
  if (options.beforeTrainingOnly) return modelReference(model, 'the base model, before training', false);
  const copy = await loadTrainingModel(
    await dirOf(options.model_name_or_path, 'model_name_or_path'),
    options,
  );
  return modelReference(copy, `a frozen copy of ${options.model_name_or_path}`, true);
}
