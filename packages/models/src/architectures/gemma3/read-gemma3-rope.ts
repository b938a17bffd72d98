import { jsonPreview } from '@medgpt/json-preview';
import { ConfigReader, isJsonObject } from '../../config/config-reader.js';
import type { LayerRope } from '../../config/model-config.js';
import { readRopeSettings, type RopeSettings } from '../../config/read-rope-settings.js';
import { requireFullRotary } from '../gemma2/require-full-rotary.js';

// Gemma3TextConfig's default_theta.
const GLOBAL_THETA = 1_000_000;
const LOCAL_THETA = 10_000;
const LAYER_TYPE_KEYS = ['full_attention', 'sliding_attention'];

/**
 * Gemma 3's two RoPEs: full-attention layers use rope_theta (+ rope_scaling), sliding layers
 * rope_local_base_freq (transformers 4 keys), or transformers 5's `rope_parameters`, one dict per
 * layer type. A dynamic local RoPE is refused (it would be recomputed per length for some layers only).
 */
export function readGemma3Rope(
  r: ConfigReader,
  dims: { headDim: number; maxPositionEmbeddings: number },
): RopeSettings & { localRope: LayerRope } {
  const params = r.value('rope_parameters');
  if (params === undefined) {
    const global = requireFullRotary(r, readRopeSettings(r, dims, GLOBAL_THETA));
    const localTheta = r.positiveNumber('rope_local_base_freq', LOCAL_THETA);
    return { ...global, localRope: { ropeTheta: localTheta, ropeScaling: null } };
  }
  const perType = isJsonObject(params) && Object.keys(params).every((k) => LAYER_TYPE_KEYS.includes(k));
  if (!perType) {
    r.fail(
      'rope_parameters',
      `is ${jsonPreview(params)}; Gemma 3 expects one dict per layer type: {"full_attention": {...}, "sliding_attention": {...}}`,
    );
  }
  // transformers fills a missing type's theta from the legacy keys, then the class default.
  const byType = params as Record<string, unknown>;
  const sub = (type: string, legacyKey: string, fallback: number): RopeSettings => {
    const dict = byType[type] ?? { rope_type: 'default' };
    const theta = r.has(legacyKey) ? r.positiveNumber(legacyKey) : fallback;
    const reader = new ConfigReader({ rope_parameters: dict }, `${r.file} (rope_parameters.${type})`);
    const rope = readRopeSettings(reader, dims, theta);
    return requireFullRotary(reader, rope);
  };
  const global = sub('full_attention', 'rope_theta', GLOBAL_THETA);
  const local = sub('sliding_attention', 'rope_local_base_freq', LOCAL_THETA);
  const localType = local.ropeScaling?.rope_type ?? local.ropeScaling?.type;
  if (localType === 'dynamic')
    r.fail(
      'rope_parameters',
      'sliding_attention has rope_type dynamic; only a static local RoPE is supported',
    );
  return { ...global, localRope: { ropeTheta: local.ropeTheta, ropeScaling: local.ropeScaling } };
}
