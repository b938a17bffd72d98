import type { RopeScaling } from '@medgpt/core-tensor';
import type { MoeConfig } from './moe-config.js';

/** Storage precision of the weights (config.json's `torch_dtype` / `dtype`). Compute is float32 on cpu/wasm. */
export type ModelDtype = 'float32' | 'bfloat16' | 'float16';

export const MODEL_DTYPES: readonly ModelDtype[] = ['float32', 'bfloat16', 'float16'];

/**
 * A decoder's config.json, normalised: every architecture difference is resolved into plain fields
 * here, so the forward pass has no per-architecture branches.
 */
export interface ModelConfig {
  /** config.json's `model_type` (a key of the architecture registry). */
  modelType: string;
  /**
   * The transformers class that loads it: `Qwen2ForCausalLM`, or `Qwen2ForSequenceClassification` when
   * the model has a score head (numLabels not null).
   */
  className: string;
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  /** Key/value heads (grouped-query attention); divides numAttentionHeads. */
  numKeyValueHeads: number;
  headDim: number;
  rmsNormEps: number;
  maxPositionEmbeddings: number;
  /** RoPE base. */
  ropeTheta: number;
  /** HF rope scaling dict (`rope_type` and its parameters); null for plain RoPE. */
  ropeScaling: RopeScaling | null;
  /** Fraction of each head that rotates. */
  partialRotaryFactor: number;
  /** q_proj, k_proj, v_proj have a bias. */
  qkvBias: boolean;
  /** o_proj has a bias. */
  outputBias: boolean;
  /** gate_proj, up_proj, down_proj have a bias. */
  mlpBias: boolean;
  /** Per-head RMSNorm of q and k before RoPE (Qwen3's q_norm / k_norm). */
  qkNorm: boolean;
  /** Per layer: the sliding window (keys a query sees, counting itself), or null for full attention. */
  slidingWindows: (number | null)[];
  /**
   * Mixture of experts (Mixtral, Qwen3-MoE): routing, expert width and which layers are sparse; absent
   * for dense decoders, whose every layer has the dense MLP of intermediateSize.
   */
  moe?: MoeConfig;
  tieWordEmbeddings: boolean;
  dtype: ModelDtype;
  bosTokenId: number | null;
  /** End-of-sequence ids (config.json allows one or a list). */
  eosTokenIds: number[];
  padTokenId: number | null;
  /**
   * The head. null: the causal-LM head (`lm_head.weight`, or the tied embeddings). A number: the
   * sequence-classification ("score") head of transformers' `<Arch>ForSequenceClassification`,
   * `score.weight` [numLabels, hidden] without bias, read at each row's last non-pad token (1 for a
   * reward model); the model then has no LM head.
   */
  numLabels: number | null;
}
