import { jsonPreview } from '@medgpt/json-preview';
import type { ConfigReader } from '../../config/config-reader.js';
import { readMoeConfig, writeMoeRouting } from '../../config/read-moe-config.js';
import { tinyMoe } from '../tiny-moe.js';
import type { Architecture } from '../architecture.js';

// Qwen3MoeDecoderLayer: a sparse block unless the layer is in mlp_only_layers or off the
// decoder_sparse_step grid (layer + 1 a multiple of it).
function readSparseLayers(r: ConfigReader, layers: number): boolean[] {
  const step = r.positiveInt('decoder_sparse_step', 1);
  const only = r.value('mlp_only_layers') ?? [];
  if (
    !Array.isArray(only) ||
    !only.every((i) => Number.isInteger(i) && (i as number) >= 0 && (i as number) < layers)
  ) {
    r.fail('mlp_only_layers', `is ${jsonPreview(only)}; expected a list of layer indices in [0, ${layers})`);
  }
  return Array.from({ length: layers }, (_, i) => !only.includes(i) && (i + 1) % step === 0);
}

/**
 * Qwen3-MoE (Qwen3MoeForCausalLM): Qwen3's attention (q/k RMSNorm, optional `attention_bias`) with sparse
 * MoE blocks of `num_experts` SwiGLU experts of `moe_intermediate_size`, top-`num_experts_per_tok`
 * routing, renormalised only with `norm_topk_prob`; no shared experts. `use_sliding_window` puts
 * `sliding_window` (default 4096) in every layer (`max_window_layers` is not read by transformers 5).
 */
export const qwen3Moe: Architecture = {
  modelType: 'qwen3_moe',
  className: 'Qwen3MoeForCausalLM',
  classifierClassName: 'Qwen3MoeForSequenceClassification',
  defaultHeadDim: (hidden, heads) => hidden / heads,
  defaultRopeTheta: 10000,
  readDifferences(r, layers) {
    const attentionBias = r.bool('attention_bias', false);
    const use = r.bool('use_sliding_window', false);
    const declared = r.has('sliding_window') ? r.positiveInt('sliding_window') : null;
    const window = use ? (r.raw.sliding_window === undefined ? 4096 : declared) : null;
    r.accept('max_window_layers');
    return {
      qkvBias: attentionBias,
      outputBias: attentionBias,
      mlpBias: false,
      qkNorm: true,
      slidingWindows: new Array<number | null>(layers).fill(window),
      moe: readMoeConfig(r, {
        defaultNumExperts: 128,
        defaultTopK: 8,
        expertIntermediateSize: r.positiveInt('moe_intermediate_size', 768),
        normTopkProb: r.bool('norm_topk_prob', false),
        sparseLayers: readSparseLayers(r, layers),
        expertNames: 'qwen',
      }),
    };
  },
  tinyDifferences: (draft) => ({ moe: tinyMoe(draft.intermediateSize / 2, draft.numHiddenLayers, 'qwen') }),
  writeDifferences(c) {
    const windows = [...new Set(c.slidingWindows)];
    if (windows.length > 1)
      throw new Error(`Qwen3-MoE configs hold one sliding_window for all layers; got ${windows.join(', ')}`);
    const moe = c.moe;
    if (moe === undefined) throw new Error('Qwen3-MoE configs need the MoE settings (config.moe)');
    return {
      attention_bias: c.qkvBias,
      use_sliding_window: windows[0] !== null,
      sliding_window: windows[0] ?? null,
      num_experts: moe.numExperts,
      moe_intermediate_size: moe.expertIntermediateSize,
      norm_topk_prob: moe.normTopkProb,
      decoder_sparse_step: 1,
      mlp_only_layers: moe.sparseLayers.flatMap((sparse, i) => (sparse ? [] : [i])),
      ...writeMoeRouting(moe),
    };
  },
};
