import { jsonPreview } from '@medgpt/json-preview';
import type { ConfigReader } from '../../config/config-reader.js';
import type { Architecture } from '../architecture.js';

// MistralForCausalLM applies config.sliding_window (default 4096, null = none) in every layer and
// ignores layer_types; a layer_types that says otherwise describes a different model (Ministral).
function readMistralWindows(r: ConfigReader, layers: number): (number | null)[] {
  const window =
    r.raw.sliding_window === undefined
      ? 4096
      : r.has('sliding_window')
        ? r.positiveInt('sliding_window')
        : null;
  const types = r.value('layer_types');
  const expected = window === null ? 'full_attention' : 'sliding_attention';
  if (
    types !== undefined &&
    !(Array.isArray(types) && types.length === layers && types.every((t) => t === expected))
  ) {
    r.fail(
      'layer_types',
      `is ${jsonPreview(types)}; MistralForCausalLM uses sliding_window ${window} in every layer (mixed layers are Ministral, not supported)`,
    );
  }
  return new Array<number | null>(layers).fill(window);
}

/** Mistral (MistralForCausalLM): no biases, one sliding window for every layer. */
export const mistral: Architecture = {
  modelType: 'mistral',
  className: 'MistralForCausalLM',
  classifierClassName: 'MistralForSequenceClassification',
  defaultHeadDim: (hidden, heads) => hidden / heads,
  defaultRopeTheta: 10000,
  readDifferences: (r, layers) => ({
    qkvBias: false,
    outputBias: false,
    mlpBias: false,
    qkNorm: false,
    slidingWindows: readMistralWindows(r, layers),
  }),
  writeDifferences(c) {
    const windows = [...new Set(c.slidingWindows)];
    if (windows.length > 1)
      throw new Error(`Mistral configs hold one sliding_window for all layers; got ${windows.join(', ')}`);
    return { sliding_window: windows[0] ?? null };
  },
};
