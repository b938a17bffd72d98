import { findArchitecture } from '../architectures/registry.js';
import { classifierLabels } from './classifier-labels.js';
import type { JsonObject } from './config-reader.js';
import type { ModelConfig, ModelDtype } from './model-config.js';

/**
 * A config.json for `config`, in the keys both transformers 4 and 5 read (`rope_theta` +
 * `rope_scaling`, `torch_dtype`; transformers 5 converts them to `rope_parameters` / `dtype`). A model
 * with a score head gets its classifier class and `id2label` / `label2id`.
 */
export function writeModelConfig(config: ModelConfig, extra: JsonObject = {}): JsonObject {
  const arch = findArchitecture(config.modelType);
  if (arch === undefined)
    throw new Error(`writeModelConfig: model_type '${config.modelType}' is not supported`);
  const single = (ids: number[]): number | number[] | null =>
    ids.length === 0 ? null : ids.length === 1 ? ids[0]! : ids;
  const labels = config.numLabels === null ? null : classifierLabels(config.numLabels);
  if (labels !== null && arch.classifierClassName === null)
    throw new Error(`writeModelConfig: ${arch.className} has no sequence-classification class`);
  return withoutUndefined({
    architectures: [labels === null ? arch.className : arch.classifierClassName],
    model_type: config.modelType,
    vocab_size: config.vocabSize,
    hidden_size: config.hiddenSize,
    intermediate_size: config.intermediateSize,
    num_hidden_layers: config.numHiddenLayers,
    num_attention_heads: config.numAttentionHeads,
    num_key_value_heads: config.numKeyValueHeads,
    head_dim: config.headDim,
    hidden_act: 'silu',
    max_position_embeddings: config.maxPositionEmbeddings,
    rms_norm_eps: config.rmsNormEps,
    rope_theta: config.ropeTheta,
    rope_scaling: config.ropeScaling,
    ...(config.partialRotaryFactor !== 1 ? { partial_rotary_factor: config.partialRotaryFactor } : {}),
    ...arch.writeDifferences(config),
    tie_word_embeddings: config.tieWordEmbeddings,
    torch_dtype: config.dtype,
    bos_token_id: config.bosTokenId,
    eos_token_id: single(config.eosTokenIds),
    pad_token_id: config.padTokenId,
    attention_dropout: 0,
    use_cache: true,
    ...labels,
    ...extra,
  });
}

// writeDifferences leaves a shared key out by setting it to undefined (Baichuan has no head_dim).
function withoutUndefined(raw: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
}

/** `raw` with its dtype key(s) set to `dtype` (`torch_dtype` added when it has neither). */
export function withConfigDtype(raw: JsonObject, dtype: ModelDtype): JsonObject {
  const out = { ...raw };
  const keys = ['dtype', 'torch_dtype'].filter((k) => out[k] !== undefined && out[k] !== null);
  for (const k of keys.length > 0 ? keys : ['torch_dtype']) out[k] = dtype;
  return out;
}
