import { jsonPreview } from '@medgpt/json-preview';
import type { ConfigReader } from '../../config/config-reader.js';

const LAYER_TYPES = ['sliding_attention', 'full_attention'] as const;

/**
 * Gemma's per-layer attention: `layer_types` when given, else every `pattern`-th layer full and the
 * others sliding (transformers' default: Gemma 2 alternates, Gemma 3 repeats 5 sliding + 1 full).
 * Sliding layers see `sliding_window` keys (the class default 4096; null only if no layer slides).
 */
export function readGemmaWindows(r: ConfigReader, layers: number, pattern: number): (number | null)[] {
  const types = r.value('layer_types');
  let sliding: boolean[];
  if (types === undefined) {
    sliding = Array.from({ length: layers }, (_, i) => (i + 1) % pattern !== 0);
  } else {
    if (
      !Array.isArray(types) ||
      types.length !== layers ||
      !types.every((t) => (LAYER_TYPES as readonly unknown[]).includes(t))
    ) {
      r.fail(
        'layer_types',
        `is ${jsonPreview(types)}; expected ${layers} entries of 'sliding_attention' or 'full_attention'`,
      );
    }
    sliding = types.map((t) => t === 'sliding_attention');
  }
  const window =
    r.raw.sliding_window === undefined
      ? 4096
      : r.has('sliding_window')
        ? r.positiveInt('sliding_window')
        : null;
  if (window === null && sliding.some(Boolean))
    r.fail('sliding_window', 'is null; expected a positive integer, as some layers are sliding_attention');
  // transformers 4.42's spelling of the same window; transformers 5 ignores it.
  if (r.has('sliding_window_size') && r.raw.sliding_window_size !== window)
    r.fail(
      'sliding_window_size',
      `is ${jsonPreview(r.raw.sliding_window_size)}; expected sliding_window (${window})`,
    );
  return sliding.map((s) => (s ? window : null));
}
