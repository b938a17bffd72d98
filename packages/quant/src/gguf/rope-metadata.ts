import type { ModelConfig } from '@medgpt/models';
import { GgufExportError } from './gguf-export-error.js';
import { ggufValue, type GgufValue } from './gguf-value.js';

export interface RopeExport {
  /** `{arch}.rope.*` keys beyond freq_base. */
  metadata: [string, GgufValue][];
  /** llama3 scaling: per-frequency divisors for the `rope_freqs.weight` tensor (headDim / 2 values). */
  ropeFreqs: Float32Array | null;
}

/**
 * Llama 3's RoPE scaling as llama.cpp takes it: a `rope_freqs` tensor whose entry i divides frequency
 * i (1 for short wavelengths, `factor` for long ones, a smooth blend between), computed like
 * convert_hf_to_gguf.py's `LlamaModel.generate_extra_tensors`.
 */
export function llama3RopeFactors(config: ModelConfig): Float32Array {
  const s = config.ropeScaling ?? {};
  const factor = s.factor ?? 8;
  const low = s.low_freq_factor ?? 1;
  const high = s.high_freq_factor ?? 4;
  const oldContext = s.original_max_position_embeddings ?? 8192;
  const lowWavelen = oldContext / low;
  const highWavelen = oldContext / high;
  const dim = config.headDim;
  const out = new Float32Array(dim / 2);
  for (let i = 0; i < dim / 2; i++) {
    // torch computes the frequencies in float32.
    const freq = Math.fround(1 / Math.fround(config.ropeTheta ** Math.fround((2 * i) / dim)));
    const wavelen = (2 * Math.PI) / freq;
    if (wavelen < highWavelen) out[i] = 1;
    else if (wavelen > lowWavelen) out[i] = factor;
    else {
      const smooth = (oldContext / wavelen - low) / (high - low);
      out[i] = 1 / ((1 - smooth) / factor + smooth);
    }
  }
  return out;
}

/**
 * The RoPE scaling of `config` in llama.cpp's terms: none, `linear` (`rope.scaling.type` and
 * `rope.scaling.factor`) or `llama3` (a `rope_freqs` tensor). Other types are refused, naming them.
 */
export function ropeMetadata(config: ModelConfig, arch: string, file: string): RopeExport {
  if (config.partialRotaryFactor !== 1) {
    throw new GgufExportError(
      file,
      'partial_rotary_factor',
      `is ${config.partialRotaryFactor}; GGUF export supports full-width RoPE only (1)`,
    );
  }
  const s = config.ropeScaling;
  const type = s === null ? 'default' : (s.rope_type ?? s.type ?? 'default');
  if (type === 'default') return { metadata: [], ropeFreqs: null };
  if (type === 'linear') {
    return {
      metadata: [
        [`${arch}.rope.scaling.type`, ggufValue.string('linear')],
        [`${arch}.rope.scaling.factor`, ggufValue.f32(s?.factor ?? 1)],
      ],
      ropeFreqs: null,
    };
  }
  if (type === 'llama3') return { metadata: [], ropeFreqs: llama3RopeFactors(config) };
  throw new GgufExportError(
    file,
    'rope_scaling',
    `rope_type '${type}' is not exported to GGUF; supported: default, linear, llama3`,
  );
}
