import type { ConfigReader, JsonObject } from '../config/config-reader.js';
import type { ModelConfig } from '../config/model-config.js';
import type { MoeConfig } from '../config/moe-config.js';

/** The config fields in which the supported decoders differ from Llama. */
export interface ArchitectureDifferences {
  qkvBias: boolean;
  outputBias: boolean;
  mlpBias: boolean;
  qkNorm: boolean;
  /** Per layer: sliding window or null. */
  slidingWindows: (number | null)[];
  /** Mixture-of-experts routing and expert names (Mixtral, Qwen3-MoE); absent for dense decoders. */
  moe?: MoeConfig;
}

/**
 * One decoder family: data (names, defaults) plus the code that reads the keys where it differs.
 * Shared keys (sizes, eps, RoPE, dtype, token ids, tying) are read by `parseModelConfig`.
 */
export interface Architecture {
  /** config.json's `model_type`. */
  modelType: string;
  /** The transformers class, written to `architectures` in config.json. */
  className: string;
  /** The class with a score head instead of the LM head (AutoModelForSequenceClassification). */
  classifierClassName: string;
  /** head_dim when config.json has none. */
  defaultHeadDim(hiddenSize: number, numAttentionHeads: number): number;
  /** RoPE base when config.json has none (transformers 4's class default). */
  defaultRopeTheta: number;
  /** Reads the architecture's own keys (marking them read). */
  readDifferences(r: ConfigReader, numHiddenLayers: number): ArchitectureDifferences;
  /** The architecture's own keys for a new config.json, in transformers' spelling. */
  writeDifferences(config: ModelConfig): JsonObject;
  /**
   * The family's distinctive settings for createTinyModel's draft (which has Llama's), e.g. Gemma 2's
   * soft-capping and alternating windows; `slidingWindow` is the tiny model's window option.
   */
  tinyDifferences?(draft: ModelConfig, slidingWindow: number | null): Partial<ModelConfig>;
}
