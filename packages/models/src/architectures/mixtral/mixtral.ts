import { readMoeConfig, writeMoeRouting } from '../../config/read-moe-config.js';
import { tinyMoe } from '../tiny-moe.js';
import type { Architecture } from '../architecture.js';

/**
 * Mixtral (MixtralForCausalLM): Mistral's attention (no biases; `sliding_window` in every layer, none by
 * default) with a sparse MoE block in every layer: `num_local_experts` SwiGLU experts of
 * `intermediate_size`, top-`num_experts_per_tok` routing, weights renormalised over the chosen experts.
 */
export const mixtral: Architecture = {
  modelType: 'mixtral',
  className: 'MixtralForCausalLM',
  classifierClassName: 'MixtralForSequenceClassification',
  defaultHeadDim: (hidden, heads) => hidden / heads,
  defaultRopeTheta: 1e6,
  readDifferences(r, layers) {
    // Training-time multiplicative noise on the router's input; its draws cannot be reproduced here.
    const jitter = r.number('router_jitter_noise', 0);
    if (jitter !== 0)
      r.fail('router_jitter_noise', `is ${jitter}; expected 0 (router jitter is not implemented)`);
    const window = r.has('sliding_window') ? r.positiveInt('sliding_window') : null;
    return {
      qkvBias: false,
      outputBias: false,
      mlpBias: false,
      qkNorm: false,
      slidingWindows: new Array<number | null>(layers).fill(window),
      moe: readMoeConfig(r, {
        defaultNumExperts: 8,
        defaultTopK: 2,
        expertIntermediateSize: r.positiveInt('intermediate_size'),
        normTopkProb: true,
        sparseLayers: new Array<boolean>(layers).fill(true),
        expertNames: 'mixtral',
      }),
    };
  },
  tinyDifferences: (draft) => ({ moe: tinyMoe(draft.intermediateSize, draft.numHiddenLayers, 'mixtral') }),
  writeDifferences(c) {
    const windows = [...new Set(c.slidingWindows)];
    if (windows.length > 1)
      throw new Error(`Mixtral configs hold one sliding_window for all layers; got ${windows.join(', ')}`);
    const moe = c.moe;
    if (moe === undefined || moe.sparseLayers.some((s) => !s) || !moe.normTopkProb)
      throw new Error('Mixtral configs need a MoE block in every layer with renormalised top-k weights');
    return {
      sliding_window: windows[0] ?? null,
      num_local_experts: moe.numExperts,
      ...writeMoeRouting(moe),
      router_jitter_noise: 0,
    };
  },
};
