import {
  castSafetensorsArray,
  SafetensorsCheckpoint,
  safetensorsArrayToTensor,
  type SafetensorsDtype,
  type tf,
} from '@medgpt/core-tensor';
import type { ModelConfig, ModelDtype } from '../config/model-config.js';
import { ModelError } from '../model-error.js';
import { isQuantizableParameter, LM_HEAD, parameterSpecs } from './parameter-specs.js';
import { isQuantizedWeight, type QuantizedWeight } from '../model/quantized-weight.js';
import type { WeightReader } from './weight-reader.js';
import { fusedExpertsView } from './fused-experts-view.js';

export interface LoadWeightsOptions {
  /** Precision the weights are rounded to (compute stays float32). */
  dtype: ModelDtype;
  /** Skip checkpoint tensors the model has no parameter for, instead of refusing the checkpoint. */
  allowUnexpectedWeights?: boolean;
  /**
   * Parameters of `config` not read from the checkpoint, left out of the result for the caller to
   * make (a new score head on a causal-LM checkpoint).
   */
  newParameters?: readonly string[];
  /** Checkpoint tensors passed over without complaint (the old head when loading changes the head). */
  ignoreTensors?: readonly string[];
  /** Reads parameters stored in another form (a quantised checkpoint's weights); default none. */
  weightReader?: WeightReader;
}

export const STORAGE_DTYPE: Record<ModelDtype, SafetensorsDtype> = {
  float32: 'F32',
  bfloat16: 'BF16',
  float16: 'F16',
};
const FLOATS: readonly SafetensorsDtype[] = ['F64', 'F32', 'BF16', 'F16'];

// Tensors transformers itself skips on load: old Llama checkpoints saved RoPE's buffer, and a tied
// model's head is the embedding whatever the file says.
function ignorable(name: string, config: ModelConfig): boolean {
  return (
    /^model\.layers\.\d+\.self_attn\.rotary_emb\.inv_freq$/.test(name) ||
    (config.tieWordEmbeddings && name === LM_HEAD)
  );
}

/** A model's parameters as loaded: float32 tensors, and the weights a reader kept quantised. */
export interface LoadedParameters {
  weights: Map<string, tf.Tensor>;
  quantized: Map<string, QuantizedWeight>;
}

/**
 * Reads every parameter of `config` from a checkpoint directory (one safetensors file or shards with
 * an index), one tensor at a time, so peak host memory is the float32 weights plus one tensor. Each
 * tensor's shape is checked against transformers'; float tensors of any width are accepted and rounded
 * to `dtype`. Missing tensors, unexpected ones and non-float ones are errors naming file and tensor.
 * Refuses weights the reader keeps quantised (loadParameters takes them).
 */
export async function loadWeights(
  dir: string,
  config: ModelConfig,
  options: LoadWeightsOptions,
): Promise<Map<string, tf.Tensor>> {
  const { weights, quantized } = await loadParameters(dir, config, options);
  if (quantized.size > 0) {
    for (const t of weights.values()) t.dispose();
    for (const q of quantized.values()) q.dispose();
    throw new ModelError(
      dir,
      [...quantized.keys()][0],
      'was read as a quantised weight; loadWeights returns float tensors only (use loadParameters)',
    );
  }
  return weights;
}

/** `loadWeights`, keeping the weights the reader returns as quantised storage (QLoRA's base) as they are. */
export async function loadParameters(
  dir: string,
  config: ModelConfig,
  options: LoadWeightsOptions,
): Promise<LoadedParameters> {
  const ckpt = await SafetensorsCheckpoint.open(dir);
  const weights = new Map<string, tf.Tensor>();
  const quantized = new Map<string, QuantizedWeight>();
  try {
    const made = new Set(options.newParameters ?? []);
    const specs = parameterSpecs(config).filter((s) => !made.has(s.name));
    const expected = new Set([...specs.map((s) => s.name), ...(options.ignoreTensors ?? [])]);
    // Fused MoE experts (transformers 5) read as the per-expert parameters the model has.
    const source = fusedExpertsView(ckpt, config);
    const missing = specs.filter((s) => !source.has(s.name)).map((s) => s.name);
    if (missing.length > 0) {
      throw new ModelError(
        dir,
        missing[0],
        `missing from the checkpoint (${missing.length} of ${specs.length} parameters missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''})`,
      );
    }
    const reader = options.weightReader;
    const unexpected = source.names.filter(
      (n) => !expected.has(n) && !ignorable(n, config) && !(reader?.ownsTensor(n) ?? false),
    );
    if (unexpected.length > 0 && !options.allowUnexpectedWeights) {
      throw new ModelError(
        dir,
        unexpected[0],
        `the checkpoint holds ${unexpected.length} tensor(s) this ${config.className} has no parameter for (${unexpected.slice(0, 5).join(', ')}); is model_type right? (allowUnexpectedWeights skips them)`,
      );
    }
    const target = STORAGE_DTYPE[options.dtype];
    for (const spec of specs) {
      const file = source.fileFor(spec.name);
      const read = await reader?.read(spec.name, source, spec);
      if (isQuantizedWeight(read)) {
        quantized.set(spec.name, read);
        if (!isQuantizableParameter(spec))
          throw new ModelError(file, spec.name, 'was read quantised, but only decoder linear weights may be');
        if (read.shape.some((d, i) => d !== spec.shape[i]))
          throw new ModelError(
            file,
            spec.name,
            `was read quantised as [${read.shape}]; the config gives [${spec.shape}]`,
          );
        continue;
      }
      const array = read ?? (await source.readArray(spec.name));
      if (!FLOATS.includes(array.dtype)) {
        throw new ModelError(
          file,
          spec.name,
          `has dtype ${array.dtype}; expected a float dtype (${FLOATS.join(', ')})`,
        );
      }
      if (array.shape.length !== spec.shape.length || array.shape.some((d, i) => d !== spec.shape[i])) {
        throw new ModelError(file, spec.name, `has shape [${array.shape}]; the config gives [${spec.shape}]`);
      }
      const place = { file, tensor: spec.name };
      const rounded =
        target === 'F32' || array.dtype === target ? array : castSafetensorsArray(array, target, place);
      weights.set(spec.name, safetensorsArrayToTensor(rounded, place));
    }
    return { weights, quantized };
  } catch (e) {
    for (const t of weights.values()) t.dispose();
    for (const q of quantized.values()) q.dispose();
    throw e;
  } finally {
    await ckpt.close();
  }
}
