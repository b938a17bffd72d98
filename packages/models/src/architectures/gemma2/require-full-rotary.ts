import type { ConfigReader } from '../../config/config-reader.js';
import type { RopeSettings } from '../../config/read-rope-settings.js';

/** Gemma's RoPE rotates whole heads: its classes never read partial_rotary_factor. */
export function requireFullRotary<T extends RopeSettings>(r: ConfigReader, rope: T): T {
  if (rope.partialRotaryFactor !== 1)
    r.fail('partial_rotary_factor', `is ${rope.partialRotaryFactor}; Gemma rotates whole heads (1)`);
  return rope;
}
