import type { JsonObject } from '../../config/config-reader.js';

/** `sliding_window` and `layer_types` for per-layer windows of one size (Gemma). */
export function writeGemmaWindows(windows: (number | null)[]): JsonObject {
  const sizes = [...new Set(windows.filter((w) => w !== null))];
  if (sizes.length > 1)
    throw new Error(`Gemma configs hold one sliding_window for all sliding layers; got ${sizes.join(', ')}`);
  return {
    sliding_window: sizes[0] ?? null,
    layer_types: windows.map((w) => (w === null ? 'full_attention' : 'sliding_attention')),
  };
}
