import { jsonPreview } from '@medgpt/json-preview';
import type { ConfigReader } from '../../config/config-reader.js';
import type { ArchitectureDifferences } from '../architecture.js';
import { readGemmaWindows } from './read-gemma-windows.js';

/** The class defaults in which Gemma 2 and Gemma 3 differ. */
export interface GemmaDefaults {
  attnLogitSoftcapping: number | null;
  finalLogitSoftcapping: number | null;
  /** Every pattern-th layer is full attention when config.json has no layer_types. */
  slidingPattern: number;
  qkNorm: boolean;
}

// A soft-cap key: absent = the class default, null = none.
function readSoftcap(r: ConfigReader, key: string, fallback: number | null): number | null {
  if (r.raw[key] === undefined) return fallback;
  return r.has(key) ? r.positiveNumber(key) : null;
}

/**
 * What Gemma 2 and 3 change in the Llama decoder: (1 + w) norms, embeddings scaled by sqrt(hidden),
 * norms before and after both blocks, query_pre_attn_scalar, soft-capping, per-layer windows.
 */
export function readGemmaDifferences(
  r: ConfigReader,
  layers: number,
  defaults: GemmaDefaults,
): ArchitectureDifferences {
  const bidirectional = r.value('use_bidirectional_attention');
  if (bidirectional !== undefined && bidirectional !== false)
    r.fail(
      'use_bidirectional_attention',
      `is ${jsonPreview(bidirectional)}; expected false or null (bidirectional Gemma is an encoder)`,
    );
  const attentionBias = r.bool('attention_bias', false);
  return {
    qkvBias: attentionBias,
    outputBias: attentionBias,
    mlpBias: false,
    qkNorm: defaults.qkNorm,
    slidingWindows: readGemmaWindows(r, layers, defaults.slidingPattern),
    normPlusOne: true,
    scaleEmbeddings: true,
    sandwichNorms: true,
    queryPreAttnScalar: r.positiveNumber('query_pre_attn_scalar', 256),
    attnLogitSoftcapping: readSoftcap(r, 'attn_logit_softcapping', defaults.attnLogitSoftcapping),
    finalLogitSoftcapping: readSoftcap(r, 'final_logit_softcapping', defaults.finalLogitSoftcapping),
  };
}
