import type { ConfigReader } from '../../config/config-reader.js';
import type { RopeSettings } from '../../config/read-rope-settings.js';

const ROPE_KEYS = ['rope_theta', 'rope_scaling', 'rope_parameters', 'partial_rotary_factor'];

/** Baichuan's modelling code fixes plain RoPE with base 10000 (7B) or has none (13B): no key sets it. */
export function readBaichuanRope(r: ConfigReader): RopeSettings {
  for (const key of ROPE_KEYS) {
    if (r.has(key))
      r.fail(
        key,
        "Baichuan's modelling code fixes RoPE (base 10000, 7B) or uses ALiBi (13B); expected no such key",
      );
  }
  return { ropeTheta: 10000, ropeScaling: null, partialRotaryFactor: 1 };
}
