import type { ConfigReader, JsonObject } from '../config/config-reader.js';
import type { MoeConfig } from '../config/moe-config.js';
import type { HiddenAct, LayerRope, ModelConfig } from '../config/model-config.js';
import type { RopeSettings } from '../config/read-rope-settings.js';

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
  /** The Gemma / Baichuan departures (see ModelConfig); left out where the family has Llama's. */
  normPlusOne?: boolean;
  scaleEmbeddings?: boolean;
  sandwichNorms?: boolean;
  queryPreAttnScalar?: number;
  attnLogitSoftcapping?: number | null;
  finalLogitSoftcapping?: number | null;
  packedQkv?: boolean;
  positionEncoding?: 'rope' | 'alibi';
  normHead?: boolean;
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
  /**
   * The class with a score head instead of the LM head (AutoModelForSequenceClassification); null when
   * the family has none (Baichuan's remote code), so a classifier of it is refused.
   */
  classifierClassName: string | null;
  /** head_dim when config.json has none. */
  defaultHeadDim(hiddenSize: number, numAttentionHeads: number): number;
  /** RoPE base when config.json has none (transformers 4's class default). */
  defaultRopeTheta: number;
  /** Reads the architecture's own keys (marking them read). */
  readDifferences(r: ConfigReader, numHiddenLayers: number): ArchitectureDifferences;
  /**
   * The architecture's own keys for a new config.json, in transformers' spelling; they override the
   * shared keys, and a key set to undefined is left out.
   */
  writeDifferences(config: ModelConfig): JsonObject;
  // Optional hooks where a family reads shared settings its own way (default: Llama's keys).
  /** tie_word_embeddings when config.json has none (the class default); default false. */
  defaultTieWordEmbeddings?: boolean;
  /** The context length, when it is not (only) `max_position_embeddings`. */
  readMaxPositionEmbeddings?(r: ConfigReader): number;
  /** The MLP activation, when it is not `hidden_act` = silu. */
  readHiddenAct?(r: ConfigReader): HiddenAct;
  /** RoPE settings (and a second RoPE for sliding layers), when not `readRopeSettings`' keys. */
  readRope?(
    r: ConfigReader,
    dims: { headDim: number; maxPositionEmbeddings: number },
  ): RopeSettings & { localRope?: LayerRope | null };
  /**
   * The family's distinctive settings for createTinyModel's draft (which has Llama's), e.g. Gemma 2's
   * soft-capping and alternating windows; `slidingWindow` is the tiny model's window option.
   */
  tinyDifferences?(draft: ModelConfig, slidingWindow: number | null): Partial<ModelConfig>;
}
