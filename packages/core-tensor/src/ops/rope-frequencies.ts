/**
 * Inverse frequencies and attention scaling for rotary embeddings, per HF transformers'
 * modeling_rope_utils (v5 semantics). HF computes them with float32 tensor ops; each step here rounds
 * to float32 where HF's does, so angles at long positions stay within float32 noise of HF's.
 */

/** HF's `rope_scaling` (or v5 `rope_parameters`) dict, with its snake_case keys as in config.json. */
export interface RopeScaling {
  rope_type?: string;
  /** Legacy name of rope_type. */
  type?: string;
  factor?: number;
  /** v5 `rope_parameters` carry the base here; it wins over RopeConfig.ropeTheta. */
  rope_theta?: number;
  partial_rotary_factor?: number;
  original_max_position_embeddings?: number;
  low_freq_factor?: number;
  high_freq_factor?: number;
  attention_factor?: number;
  beta_fast?: number;
  beta_slow?: number;
  mscale?: number;
  mscale_all_dim?: number;
  truncate?: boolean;
  [key: string]: unknown;
}

/** The parts of a model config that rotary embeddings read. */
export interface RopeConfig {
  headDim: number;
  ropeTheta: number;
  maxPositionEmbeddings: number;
  /** Fraction of each head that rotates (HF partial_rotary_factor); default 1. */
  partialRotaryFactor?: number;
  ropeScaling?: RopeScaling | null;
}

export interface RopeFrequencies {
  /** One inverse frequency per rotated pair: rotaryDim / 2 values. */
  invFreq: Float32Array;
  /** Multiplies cos and sin (HF attention_scaling); 1 except for yarn. */
  attentionScaling: number;
  /** Leading features of each head that rotate; the rest pass through. */
  rotaryDim: number;
}

export const ROPE_TYPES = ['default', 'linear', 'dynamic', 'llama3', 'yarn'] as const;
export type RopeType = (typeof ROPE_TYPES)[number];

const f32 = Math.fround;

interface Resolved {
  scaling: RopeScaling;
  base: number;
  dim: number;
  maxPositions: number;
}

function need(scaling: RopeScaling, key: string, ropeType: string): number {
  const v = scaling[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new Error(
      `ropeFrequencies: rope_scaling.${key} must be a positive number for rope_type '${ropeType}', got ${String(v)}`,
    );
  }
  return v;
}

/** 1 / base^(2i/dim) for i < dim/2, as HF's `_compute_default_rope_parameters`. */
function defaultInvFreq(base: number, dim: number): Float32Array {
  const inv = new Float32Array(dim / 2);
  for (let i = 0; i < inv.length; i++) inv[i] = 1 / f32(Math.pow(f32(base), f32((2 * i) / dim)));
  return inv;
}

function linear({ scaling, base, dim }: Resolved): Float32Array {
  const factor = need(scaling, 'factor', 'linear');
  return defaultInvFreq(base, dim).map((v) => v / factor);
}

// Dynamic NTK: the base grows once the sequence outruns max_position_embeddings.
function dynamic({ scaling, base, dim, maxPositions }: Resolved, seqLen: number | undefined): Float32Array {
  const factor = need(scaling, 'factor', 'dynamic');
  if (dim <= 2) {
    throw new Error(`ropeFrequencies: rope_type 'dynamic' needs a rotary dim above 2, got ${dim}`);
  }
  const len = Math.max(seqLen ?? maxPositions, maxPositions);
  const scaledBase = base * ((factor * len) / maxPositions - (factor - 1)) ** (dim / (dim - 2));
  return defaultInvFreq(scaledBase, dim);
}

// Llama 3.1: long wavelengths slow down by `factor`, short ones stay, the band between is blended.
function llama3({ scaling, base, dim, maxPositions }: Resolved): Float32Array {
  const factor = need(scaling, 'factor', 'llama3');
  const lowFactor = need(scaling, 'low_freq_factor', 'llama3');
  const highFactor = need(scaling, 'high_freq_factor', 'llama3');
  const oldContext = scaling.original_max_position_embeddings ?? maxPositions;
  const lowWavelen = f32(oldContext / lowFactor);
  const highWavelen = f32(oldContext / highFactor);
  return defaultInvFreq(base, dim).map((inv) => {
    const wavelen = f32(f32(2 * Math.PI) / inv);
    if (wavelen < highWavelen) return inv;
    if (wavelen > lowWavelen) return inv / factor;
    const smooth = f32(f32(f32(oldContext / wavelen) - lowFactor) / f32(highFactor - lowFactor));
    return ((1 - smooth) * inv) / factor + smooth * inv;
  });
}

function mscaleOf(scale: number, mscale = 1): number {
  return scale <= 1 ? 1 : 0.1 * mscale * Math.log(scale) + 1;
}

function yarnAttentionScaling(scaling: RopeScaling, factor: number): number {
  if (scaling.attention_factor != null) return scaling.attention_factor;
  const { mscale, mscale_all_dim: mscaleAllDim } = scaling;
  if (mscale && mscaleAllDim) return mscaleOf(factor, mscale) / mscaleOf(factor, mscaleAllDim);
  return mscaleOf(factor);
}

// The pair index at which a wavelength makes `rotations` turns over the original context.
function correctionDim(rotations: number, dim: number, base: number, context: number): number {
  return (dim * Math.log(context / (rotations * 2 * Math.PI))) / (2 * Math.log(base));
}

// YaRN: pairs below `low` keep their frequency, pairs above `high` are interpolated by `factor`,
// with a linear ramp between; cos and sin get the attention factor. As transformers v5, an explicit
// factor wins; 4.4x-4.5x replaced it by max_position_embeddings / original_max_position_embeddings
// whenever the latter was set (so Qwen2.5's factor 4 with equal lengths meant no scaling there).
function yarn({ scaling, base, dim, maxPositions }: Resolved): RopeFrequencies {
  const context = scaling.original_max_position_embeddings ?? maxPositions;
  const factor = scaling.factor ?? maxPositions / context;
  if (!(factor > 0)) {
    throw new Error(`ropeFrequencies: rope_scaling.factor must be positive for 'yarn', got ${factor}`);
  }
  const betaFast = scaling.beta_fast || 32;
  const betaSlow = scaling.beta_slow || 1;
  let low = correctionDim(betaFast, dim, base, context);
  let high = correctionDim(betaSlow, dim, base, context);
  if (scaling.truncate ?? true) {
    low = Math.floor(low);
    high = Math.ceil(high);
  }
  low = Math.max(low, 0);
  high = Math.min(high, dim - 1);
  if (low === high) high += 0.001;
  const invFreq = new Float32Array(dim / 2);
  for (let i = 0; i < invFreq.length; i++) {
    const posFreq = f32(Math.pow(f32(base), f32((2 * i) / dim)));
    const extrapolated = f32(1 / posFreq);
    const interpolated = f32(1 / f32(factor * posFreq));
    const ramp = Math.min(Math.max(f32(f32(i - low) / f32(high - low)), 0), 1);
    const keep = f32(1 - ramp);
    invFreq[i] = f32(interpolated * f32(1 - keep)) + f32(extrapolated * keep);
  }
  return { invFreq, attentionScaling: yarnAttentionScaling(scaling, factor), rotaryDim: dim };
}

function resolve(config: RopeConfig): Resolved {
  const { headDim, maxPositionEmbeddings } = config;
  const scaling = config.ropeScaling ?? {};
  const base = scaling.rope_theta ?? config.ropeTheta;
  const fraction = scaling.partial_rotary_factor ?? config.partialRotaryFactor ?? 1;
  const dim = Math.trunc(headDim * fraction);
  if (!Number.isInteger(headDim) || headDim <= 0) {
    throw new Error(`ropeFrequencies: headDim must be a positive integer, got ${headDim}`);
  }
  if (!(base > 1) || !Number.isFinite(base)) {
    throw new Error(`ropeFrequencies: rope theta must be a number > 1, got ${base}`);
  }
  if (!(maxPositionEmbeddings > 0)) {
    throw new Error(`ropeFrequencies: maxPositionEmbeddings must be positive, got ${maxPositionEmbeddings}`);
  }
  if (dim < 2 || dim % 2 !== 0) {
    throw new Error(
      `ropeFrequencies: rotary dim (headDim ${headDim} x partial factor ${fraction}) must be even and >= 2, got ${dim}`,
    );
  }
  return { scaling, base, dim, maxPositions: maxPositionEmbeddings };
}

/**
 * Inverse frequencies and attention scaling for a model's rotary embeddings, with HF's rope scaling
 * types (ROPE_TYPES). `seqLen` matters only to 'dynamic': the length of the sequence being run (HF
 * uses max(position_ids) + 1); below max_position_embeddings it changes nothing.
 */
export function ropeFrequencies(config: RopeConfig, seqLen?: number): RopeFrequencies {
  const resolved = resolve(config);
  const ropeType = resolved.scaling.rope_type ?? resolved.scaling.type ?? 'default';
  const plain = (invFreq: Float32Array): RopeFrequencies => ({
    invFreq,
    attentionScaling: 1,
    rotaryDim: resolved.dim,
  });
  switch (ropeType) {
    case 'default':
      return plain(defaultInvFreq(resolved.base, resolved.dim));
    case 'linear':
      return plain(linear(resolved));
    case 'dynamic':
      return plain(dynamic(resolved, seqLen));
    case 'llama3':
      return plain(llama3(resolved));
    case 'yarn':
      return yarn(resolved);
    default:
      throw new Error(
        `ropeFrequencies: unknown rope_type '${ropeType}'; supported: ${ROPE_TYPES.join(', ')}`,
      );
  }
}
