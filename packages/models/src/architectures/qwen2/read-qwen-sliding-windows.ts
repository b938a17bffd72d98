import { jsonPreview } from '@medgpt/json-preview';
import type { ConfigReader } from '../../config/config-reader.js';

const LAYER_TYPES = ['full_attention', 'sliding_attention'];

/**
 * Per-layer windows by transformers' Qwen2/Qwen3 rules: `sliding_window` (default 4096) counts only
 * when `use_sliding_window` is true; `layer_types` defaults to sliding attention for layers from
 * `max_window_layers` (default 28) on; a sliding layer uses the window (none if it is null).
 */
export function readQwenSlidingWindows(r: ConfigReader, layers: number): (number | null)[] {
  const use = r.bool('use_sliding_window', false);
  const declared = r.has('sliding_window') ? r.positiveInt('sliding_window') : null;
  const window = use ? (r.raw.sliding_window === undefined ? 4096 : declared) : null;
  const maxWindowLayers = r.has('max_window_layers') ? r.number('max_window_layers') : 28;
  const types = r.value('layer_types');
  let layerTypes: string[];
  if (types === undefined) {
    layerTypes = Array.from({ length: layers }, (_, i) =>
      window !== null && i >= maxWindowLayers ? 'sliding_attention' : 'full_attention',
    );
  } else {
    if (
      !Array.isArray(types) ||
      types.length !== layers ||
      !types.every((t) => LAYER_TYPES.includes(t as string))
    ) {
      r.fail(
        'layer_types',
        `is ${jsonPreview(types)}; expected ${layers} entries, each one of ${LAYER_TYPES.join(', ')}`,
      );
    }
    layerTypes = types as string[];
  }
  return layerTypes.map((t) => (t === 'sliding_attention' ? window : null));
}
