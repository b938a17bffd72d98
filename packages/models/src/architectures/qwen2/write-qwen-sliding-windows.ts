import type { JsonObject } from '../../config/config-reader.js';

/** Qwen2/Qwen3 config keys that reproduce per-layer windows (all windows must be equal). */
export function writeQwenSlidingWindows(windows: readonly (number | null)[]): JsonObject {
  const used = [...new Set(windows.filter((w): w is number => w !== null))];
  if (used.length > 1)
    throw new Error(`Qwen configs hold one sliding_window; got windows ${used.join(', ')}`);
  const first = windows.findIndex((w) => w !== null);
  return {
    use_sliding_window: used.length === 1,
    sliding_window: used[0] ?? null,
    max_window_layers: first < 0 ? windows.length : first,
    layer_types: windows.map((w) => (w === null ? 'full_attention' : 'sliding_attention')),
  };
}
