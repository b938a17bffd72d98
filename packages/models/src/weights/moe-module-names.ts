import type { MoeConfig } from '../config/moe-config.js';

/** One expert's SwiGLU projections (module names, without `.weight`). */
export interface ExpertModules {
  gate: string;
  up: string;
  down: string;
}

/** The modules of one sparse MoE block: the router and each expert. */
export interface MoeModules {
  /** The block's prefix (`model.layers.<i>.block_sparse_moe.` or `model.layers.<i>.mlp.`). */
  prefix: string;
  /** The router linear [numExperts, hidden] (`gate`). */
  router: string;
  experts: ExpertModules[];
}

/**
 * The per-expert module names of layer `layer`, as transformers 4 named the modules and transformers
 * 5 still saves them: Mixtral's `block_sparse_moe.experts.<e>.w1` (gate), `w3` (up), `w2` (down);
 * Qwen's `mlp.experts.<e>.gate_proj`, `up_proj`, `down_proj`. peft's per-expert adapters use them too.
 */
export function moeModuleNames(moe: MoeConfig, layer: number): MoeModules {
  const mixtral = moe.expertNames === 'mixtral';
  const prefix = `model.layers.${layer}.${mixtral ? 'block_sparse_moe' : 'mlp'}.`;
  const [gate, up, down] = mixtral ? ['w1', 'w3', 'w2'] : ['gate_proj', 'up_proj', 'down_proj'];
  return {
    prefix,
    router: `${prefix}gate`,
    experts: Array.from({ length: moe.numExperts }, (_, e) => ({
      gate: `${prefix}experts.${e}.${gate}`,
      up: `${prefix}experts.${e}.${up}`,
      down: `${prefix}experts.${e}.${down}`,
    })),
  };
}
