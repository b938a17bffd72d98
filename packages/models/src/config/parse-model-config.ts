import { ARCHITECTURES, findArchitecture, REFUSED_MODEL_TYPES } from '../architectures/registry.js';
import { ModelError } from '../model-error.js';
import { NEUTRAL_CONFIG_KEYS, REQUIRED_VALUES } from './config-keys.js';
import { jsonPreview } from '@medgpt/json-preview';
import { ConfigReader, isJsonObject } from './config-reader.js';
import type { LayerRope, ModelConfig } from './model-config.js';
import { readModelDtype } from './read-model-dtype.js';
import { readNumLabels } from './read-num-labels.js';
import { readRopeSettings, type RopeSettings } from './read-rope-settings.js';

// Parsing allocates per layer (sliding windows) and per rotary pair (the RoPE check): a corrupt or
// hostile file must not make it allocate gigabytes. Released decoders stay far below both.
const MAX_LAYERS = 4096;
const MAX_HEAD_DIM = 65536;

export interface ParseConfigOptions {
  /**
   * Keys to accept without knowing them. By default a key this package does not know is an error,
   * since it might change the math (a silently wrong model is worse than a refusal).
   */
  ignoreKeys?: readonly string[];
}

/**
 * Normalises a parsed config.json (either transformers generation of keys) into a ModelConfig: a
 * causal LM, or a sequence classifier when `architectures` names `<Arch>ForSequenceClassification`.
 * Unknown `model_type`, unsupported values and unknown keys are errors naming `file` and the key.
 */
export function parseModelConfig(raw: unknown, file: string, options: ParseConfigOptions = {}): ModelConfig {
  if (!isJsonObject(raw)) throw new ModelError(file, undefined, 'expected a JSON object');
  const r: ConfigReader = new ConfigReader(raw, file);
  const modelType = r.string('model_type');
  const arch = findArchitecture(modelType);
  if (arch === undefined) {
    r.fail(
      'model_type',
      REFUSED_MODEL_TYPES.get(modelType) ??
        `'${modelType}' is not supported; supported: ${[...ARCHITECTURES.keys()].join(', ')}`,
    );
  }
  const hiddenSize = r.positiveInt('hidden_size');
  const numAttentionHeads = r.positiveInt('num_attention_heads');
  const numKeyValueHeads = r.has('num_key_value_heads')
    ? r.positiveInt('num_key_value_heads')
    : numAttentionHeads;
  if (numAttentionHeads % numKeyValueHeads !== 0) {
    r.fail(
      'num_key_value_heads',
      `is ${numKeyValueHeads}; it must divide num_attention_heads (${numAttentionHeads})`,
    );
  }
  const headDim = r.has('head_dim')
    ? r.positiveInt('head_dim')
    : arch.defaultHeadDim(hiddenSize, numAttentionHeads);
  if (!Number.isInteger(headDim))
    r.fail('hidden_size', `${hiddenSize} is not a multiple of num_attention_heads (${numAttentionHeads})`);
  if (headDim > MAX_HEAD_DIM) r.fail('head_dim', `is ${headDim}; expected at most ${MAX_HEAD_DIM}`);
  const numHiddenLayers = r.positiveInt('num_hidden_layers');
  if (numHiddenLayers > MAX_LAYERS)
    r.fail('num_hidden_layers', `is ${numHiddenLayers}; expected at most ${MAX_LAYERS}`);
  const maxPositionEmbeddings =
    arch.readMaxPositionEmbeddings?.(r) ?? r.positiveInt('max_position_embeddings');
  const hiddenAct = arch.readHiddenAct?.(r) ?? readSilu(r);
  const dims = { headDim, maxPositionEmbeddings };
  const { localRope, ...rope }: RopeSettings & { localRope?: LayerRope | null } =
    arch.readRope?.(r, dims) ?? readRopeSettings(r, dims, arch.defaultRopeTheta);
  const numLabels = readNumLabels(r);
  if (numLabels !== null && arch.classifierClassName === null)
    r.fail('architectures', `names a sequence classifier; ${arch.className} has no classifier class`);
  const config: ModelConfig = {
    modelType,
    className: numLabels === null ? arch.className : arch.classifierClassName!,
    vocabSize: r.positiveInt('vocab_size'),
    hiddenSize,
    intermediateSize: r.positiveInt('intermediate_size'),
    numHiddenLayers,
    numAttentionHeads,
    numKeyValueHeads,
    headDim,
    rmsNormEps: r.positiveNumber('rms_norm_eps', 1e-6),
    maxPositionEmbeddings,
    ...rope,
    ...arch.readDifferences(r, numHiddenLayers),
    ...(hiddenAct !== 'silu' ? { hiddenAct } : {}),
    ...(localRope != null ? { localRope } : {}),
    tieWordEmbeddings: r.bool('tie_word_embeddings', arch.defaultTieWordEmbeddings ?? false),
    dtype: readModelDtype(r),
    bosTokenId: r.tokenIds('bos_token_id')[0] ?? null,
    eosTokenIds: r.tokenIds('eos_token_id'),
    padTokenId: r.tokenIds('pad_token_id')[0] ?? null,
    numLabels,
  };
  checkRemainingKeys(r, options.ignoreKeys ?? []);
  return config;
}

function readSilu(r: ConfigReader): 'silu' {
  const activation = r.string('hidden_act', 'silu');
  if (activation !== 'silu') r.fail('hidden_act', `is '${activation}'; these decoders use 'silu' (SwiGLU)`);
  return activation;
}

function checkRemainingKeys(r: ConfigReader, ignore: readonly string[]): void {
  for (const [key, rule] of Object.entries(REQUIRED_VALUES)) {
    const v = r.value(key);
    if (v !== undefined && !rule.ok(v)) r.fail(key, `is ${jsonPreview(v)}; expected ${rule.expected}`);
  }
  // A quantised checkpoint needs a caller that reads its weights (@medgpt/quant's loadQuantizedModel),
  // which says so by ignoring the key.
  if (r.value('quantization_config') !== undefined && !ignore.includes('quantization_config')) {
    r.fail(
      'quantization_config',
      'quantized checkpoints are not loaded by @medgpt/models alone; load the full-precision model, ' +
        "or a bitsandbytes checkpoint with @medgpt/quant's loadQuantizedModel (medgpt eval reads both)",
    );
  }
  r.accept(...NEUTRAL_CONFIG_KEYS, ...ignore);
  const unknown = r.unread().filter((k) => !k.startsWith('_') && r.raw[k] !== null);
  if (unknown.length > 0) {
    r.fail(
      unknown[0],
      `unknown config key(s) ${unknown.map((k) => `'${k}'`).join(', ')} may change the model's math; ` +
        'if they do not, pass them in the ignoreConfigKeys option',
    );
  }
}
