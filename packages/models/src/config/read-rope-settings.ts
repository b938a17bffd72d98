import { ROPE_TYPES, ropeFrequencies, type RopeScaling } from '@medgpt/core-tensor';
import { jsonPreview } from '@medgpt/json-preview';
import { isJsonObject, type ConfigReader } from './config-reader.js';

// The numeric keys of transformers' rope dicts that ropeFrequencies reads.
export const ROPE_NUMBER_KEYS = [
  'factor',
  'original_max_position_embeddings',
  'low_freq_factor',
  'high_freq_factor',
  'attention_factor',
  'beta_fast',
  'beta_slow',
  'mscale',
  'mscale_all_dim',
  'partial_rotary_factor',
] as const;

export interface RopeSettings {
  ropeTheta: number;
  ropeScaling: RopeScaling | null;
  partialRotaryFactor: number;
}

/**
 * RoPE settings from either generation of config keys: transformers 5's `rope_parameters`
 * ({rope_type, rope_theta, ...}) or 4's `rope_theta` + `rope_scaling`. The result is checked by
 * computing the frequencies once, so a bad scaling dict fails at load with the file named.
 */
export function readRopeSettings(
  r: ConfigReader,
  dims: { headDim: number; maxPositionEmbeddings: number },
  defaultTheta: number,
): RopeSettings {
  const params = r.value('rope_parameters');
  const legacyScaling = r.value('rope_scaling');
  const legacyTheta = r.has('rope_theta') ? r.positiveNumber('rope_theta') : undefined;
  let dict: RopeScaling;
  if (params !== undefined) {
    if (!isJsonObject(params)) r.fail('rope_parameters', `is ${jsonPreview(params)}; expected an object`);
    if (Object.values(params).every(isJsonObject) && Object.keys(params).length > 0) {
      r.fail(
        'rope_parameters',
        'holds one dict per layer type; per-layer-type RoPE is not supported by these architectures',
      );
    }
    dict = { ...params } as RopeScaling;
  } else if (legacyScaling !== undefined) {
    if (!isJsonObject(legacyScaling))
      r.fail('rope_scaling', `is ${jsonPreview(legacyScaling)}; expected an object or null`);
    dict = { ...legacyScaling } as RopeScaling;
  } else {
    dict = {};
  }
  const where = params !== undefined ? 'rope_parameters' : 'rope_scaling';
  // ropeFrequencies does arithmetic on these: a string "4" would be coerced, not refused.
  for (const key of ROPE_NUMBER_KEYS) {
    const v = dict[key];
    if (v !== undefined && v !== null && !(typeof v === 'number' && Number.isFinite(v)))
      r.fail(where, `${key} is ${jsonPreview(v)}; expected a number`);
  }
  if (dict.truncate !== undefined && typeof dict.truncate !== 'boolean')
    r.fail(where, `truncate is ${jsonPreview(dict.truncate)}; expected true or false`);
  const theta = dict.rope_theta ?? legacyTheta ?? defaultTheta;
  if (typeof theta !== 'number' || !(theta > 1))
    r.fail(where, `rope_theta is ${jsonPreview(theta)}; expected a number > 1`);
  delete dict.rope_theta;
  const ropeType = dict.rope_type ?? dict.type ?? 'default';
  if (typeof ropeType !== 'string' || !(ROPE_TYPES as readonly string[]).includes(ropeType)) {
    const shown = typeof ropeType === 'string' ? `'${ropeType.slice(0, 60)}'` : jsonPreview(ropeType);
    r.fail(where, `rope_type ${shown} is not supported; supported: ${ROPE_TYPES.join(', ')}`);
  }
  const partial =
    dict.partial_rotary_factor ??
    (r.has('partial_rotary_factor') ? r.positiveNumber('partial_rotary_factor') : 1);
  const ropeScaling =
    ropeType === 'default' && Object.keys(dict).every((k) => k === 'rope_type' || k === 'type') ? null : dict;
  try {
    ropeFrequencies({
      headDim: dims.headDim,
      ropeTheta: theta,
      maxPositionEmbeddings: dims.maxPositionEmbeddings,
      partialRotaryFactor: partial,
      ropeScaling,
    });
  } catch (e) {
    r.fail(where, (e as Error).message);
  }
  return { ropeTheta: theta, ropeScaling, partialRotaryFactor: partial };
}
