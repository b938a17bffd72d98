import { Generator, initTensor, type InitSpec, type RopeScaling, type tf } from '@medgpt/core-tensor';
import { loadTokenizer, saveTokenizer, Tokenizer } from '@medgpt/tokenizer';
import { ARCHITECTURES, findArchitecture } from '../architectures/registry.js';
import { parseGenerationConfig, writeGenerationConfig } from '../config/generation-config.js';
import type { ModelConfig, ModelDtype } from '../config/model-config.js';
import { parseModelConfig } from '../config/parse-model-config.js';
import { writeModelConfig } from '../config/write-model-config.js';
import { saveModel } from '../io/save-model.js';
import { CausalLM } from '../model/causal-lm.js';
import { parameterSpecs, type ParameterKind } from '../weights/parameter-specs.js';
import { byteLevelTokenizerConfig, byteLevelTokenizerJson } from './byte-level-tokenizer.js';

export interface TinyModelOptions {
  /** config.json model_type, a key of ARCHITECTURES (llama, qwen2, gemma2, baichuan...). Default 'qwen2'. */
  architecture?: string;
  /** Default 64. */
  hiddenSize?: number;
  /** Default 128. */
  intermediateSize?: number;
  /** Default 2. */
  numHiddenLayers?: number;
  /** Default 4. */
  numAttentionHeads?: number;
  /** Default 2. */
  numKeyValueHeads?: number;
  /** Default hiddenSize / numAttentionHeads. */
  headDim?: number;
  /** Default 512. */
  maxPositionEmbeddings?: number;
  /** Default: the tokenizer's size (it may be larger, never smaller). */
  vocabSize?: number;
  /** Default true. */
  tieWordEmbeddings?: boolean;
  /** Default 10000. */
  ropeTheta?: number;
  ropeScaling?: RopeScaling | null;
  /** Sliding window of every layer (mistral, qwen2, qwen3); default none. */
  slidingWindow?: number | null;
  /** Default 1e-6. */
  rmsNormEps?: number;
  /** Storage dtype of the saved weights. Default 'float32'. */
  dtype?: ModelDtype;
  /** Std of the normal init of embeddings and linear weights (HF initializer_range). Default 0.02. */
  initializerRange?: number;
  /** Seed of the init (core-tensor's Philox generator). Default 0. */
  seed?: number;
  /** A tokenizer directory to ship with the model; default: a byte-level tokenizer built in code. */
  tokenizer?: string;
  /** A score head of this many labels instead of the LM head (a tiny reward model: 1); default none. */
  numLabels?: number;
  /**
   * Config fields to set over the architecture's tiny defaults, e.g. a Baichuan 13B-style model:
   * `{ positionEncoding: 'alibi', normHead: true }`, or Gemma 2 without soft-capping.
   */
  config?: Partial<ModelConfig>;
}

export interface TinyModel {
  dir: string;
  config: ModelConfig;
  tokenizer: Tokenizer;
}

function initSpec(kind: ParameterKind, std: number, normPlusOne: boolean): InitSpec {
  if (kind === 'bias') return { kind: 'zeros' };
  // Gemma's norms scale by 1 + w: transformers initialises w to 0.
  if (kind === 'norm') return { kind: normPlusOne ? 'zeros' : 'ones' };
  return { kind: 'normal', std };
}

async function tinyTokenizer(options: TinyModelOptions, maxPositions: number): Promise<Tokenizer> {
  if (options.tokenizer !== undefined) return loadTokenizer(options.tokenizer);
  return Tokenizer.fromFiles({
    tokenizerJson: byteLevelTokenizerJson(),
    tokenizerConfig: byteLevelTokenizerConfig(maxPositions),
  });
}

/**
 * Writes a small randomly initialised model as a real Hugging Face directory: config.json,
 * generation_config.json, model.safetensors and the tokenizer files, loadable here and by
 * transformers. The same options and seed give the same bytes.
 *
 * ```ts
 * const { dir } = await createTinyModel({ architecture: 'llama', seed: 1 }, '/tmp/tiny-llama');
 * const model = await loadModel(dir);
 * ```
 */
export async function createTinyModel(options: TinyModelOptions, dir: string): Promise<TinyModel> {
  const modelType = options.architecture ?? 'qwen2';
  const arch = findArchitecture(modelType);
  if (arch === undefined) {
    throw new RangeError(
      `createTinyModel: architecture '${modelType}' is not supported; supported: ${[...ARCHITECTURES.keys()].join(', ')}`,
    );
  }
  const maxPositions = options.maxPositionEmbeddings ?? 512;
  const tokenizer = await tinyTokenizer(options, maxPositions);
  const hidden = options.hiddenSize ?? 64;
  const heads = options.numAttentionHeads ?? 4;
  const layers = options.numHiddenLayers ?? 2;
  const vocabSize = options.vocabSize ?? tokenizer.vocabSize;
  if (vocabSize < tokenizer.vocabSize) {
    throw new RangeError(
      `createTinyModel: vocabSize ${vocabSize} is smaller than the tokenizer's ${tokenizer.vocabSize} ids`,
    );
  }
  const eos = tokenizer.eosTokenId;
  const pad = tokenizer.padTokenId;
  const endOfText = tokenizer.tokenToId('<|endoftext|>');
  const window = options.slidingWindow ?? null;
  const llamaDraft: ModelConfig = {
    modelType,
    className: '',
    vocabSize,
    hiddenSize: hidden,
    intermediateSize: options.intermediateSize ?? 128,
    numHiddenLayers: layers,
    numAttentionHeads: heads,
    numKeyValueHeads: options.numKeyValueHeads ?? 2,
    headDim: options.headDim ?? hidden / heads,
    rmsNormEps: options.rmsNormEps ?? 1e-6,
    maxPositionEmbeddings: maxPositions,
    ropeTheta: options.ropeTheta ?? 10000,
    ropeScaling: options.ropeScaling ?? null,
    partialRotaryFactor: 1,
    qkvBias: false,
    outputBias: false,
    mlpBias: false,
    qkNorm: false,
    slidingWindows: new Array<number | null>(layers).fill(window),
    tieWordEmbeddings: options.tieWordEmbeddings ?? true,
    dtype: options.dtype ?? 'float32',
    bosTokenId: tokenizer.bosTokenId,
    eosTokenIds: eos === null ? [] : [eos],
    padTokenId: pad,
    numLabels: options.numLabels ?? null,
  };
  const draft: ModelConfig = {
    ...llamaDraft,
    ...arch.tinyDifferences?.(llamaDraft, window),
    ...options.config,
  };
  const std = options.initializerRange ?? 0.02;
  // Round-trip through the parser: it fills in the architecture's own fields and validates everything.
  const rawConfig = writeModelConfig(draft, { initializer_range: std });
  const config = parseModelConfig(rawConfig, `${dir}/config.json`);
  if (config.slidingWindows.some((w, i) => w !== draft.slidingWindows[i])) {
    throw new RangeError(
      `createTinyModel: ${config.className} has no sliding window; got slidingWindow ${window}`,
    );
  }
  const eosIds = [
    ...new Set([...(eos === null ? [] : [eos]), ...(endOfText === undefined ? [] : [endOfText])]),
  ];
  const generationConfig = parseGenerationConfig(
    { bos_token_id: config.bosTokenId, eos_token_id: eosIds, pad_token_id: pad },
    '<tiny>',
  );

  const rng = new Generator(options.seed ?? 0);
  const weights = new Map<string, tf.Tensor>();
  for (const spec of parameterSpecs(config))
    weights.set(
      spec.name,
      initTensor(spec.shape, initSpec(spec.kind, std, config.normPlusOne === true), rng),
    );
  const model = new CausalLM({
    config,
    weights,
    generationConfig,
    rawConfig,
    rawGenerationConfig: writeGenerationConfig(generationConfig),
  });
  try {
    await saveModel(model, dir);
    await saveTokenizer(tokenizer, dir);
  } finally {
    model.dispose();
  }
  return { dir, config, tokenizer };
}
