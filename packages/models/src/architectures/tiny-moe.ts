import type { MoeConfig } from '../config/moe-config.js';

/**
 * createTinyModel's experts: 4 of `width` in every layer, top-2 with renormalised weights (Mixtral's
 * rule; Qwen3-MoE's released checkpoints set norm_topk_prob too), transformers' aux-loss defaults.
 */
export function tinyMoe(width: number, layers: number, expertNames: MoeConfig['expertNames']): MoeConfig {
  return {
    numExperts: 4,
    numExpertsPerTok: 2,
    expertIntermediateSize: Math.max(1, Math.round(width)),
    normTopkProb: true,
    sparseLayers: new Array<boolean>(layers).fill(true),
    routerAuxLossCoef: 0.001,
    outputRouterLogits: false,
    expertNames,
  };
}
