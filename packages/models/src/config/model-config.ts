import type { RopeScaling } from '@medgpt/core-tensor';
import type { MoeConfig } from './moe-config.js';

/** Storage precision of the weights (config.json's `torch_dtype` / `dtype`). Compute is float32 on cpu/wasm. */
export type ModelDtype = 'float32' | 'bfloat16' | 'float16';

export const MODEL_DTYPES: readonly ModelDtype[] = ['float32', 'bfloat16', 'float16'];

/** The gated MLP's activation: SiLU (SwiGLU) or the tanh approximation of GELU (Gemma's GeGLU). */
export type HiddenAct = 'silu' | 'gelu_pytorch_tanh';

/** A RoPE base and scaling for some layers (Gemma 3's sliding-window layers). */
export interface LayerRope {
  ropeTheta: number;
  ropeScaling: RopeScaling | null;
}

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
  // Where Gemma 2/3 and Baichuan depart from the Llama decoder. Absent means Llama's behaviour, so
  // configs of the other families carry none of these fields.
  /** The MLP's activation; default 'silu'. */
  hiddenAct?: HiddenAct;
  /** Gemma's RMSNorm: normalised x times (1 + weight), weights stored centred on 0 (q/k norms too). */
  normPlusOne?: boolean;
  /** Gemma: input embeddings times sqrt(hiddenSize), rounded to the weight dtype as transformers does. */
  scaleEmbeddings?: boolean;
  /**
   * Gemma 2/3's norms around both blocks: post_attention_layernorm normalises the attention's output,
   * pre_feedforward_layernorm the MLP's input and post_feedforward_layernorm its output.
   */
  sandwichNorms?: boolean;
  /** Attention scores are scaled by queryPreAttnScalar^-0.5 instead of headDim^-0.5 (Gemma). */
  queryPreAttnScalar?: number;
  /** cap * tanh(score / cap) on the attention scores before the mask (Gemma 2); null = none. */
  attnLogitSoftcapping?: number | null;
  /** cap * tanh(logit / cap) on the LM head's logits (Gemma 2); null = none. */
  finalLogitSoftcapping?: number | null;
  /** RoPE of the sliding-window layers when it differs from the others' (Gemma 3's local base). */
  localRope?: LayerRope | null;
  /** q, k and v come from one fused projection `self_attn.W_pack` [3 * hidden, hidden] (Baichuan). */
  packedQkv?: boolean;
  /** 'rope' (default), or 'alibi': no rotary embedding, per-head linear biases on the scores (Baichuan 13B). */
  positionEncoding?: 'rope' | 'alibi';
  /** Baichuan 2's NormHead: each row of the LM head's weight is L2-normalised at every forward. */
  normHead?: boolean;
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
