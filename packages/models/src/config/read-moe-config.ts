import type { ConfigReader } from './config-reader.js';
import type { MoeConfig } from './moe-config.js';

/** What a MoE family decides itself; the routing keys both families share are read here. */
export interface MoeFamily {
  /** num_local_experts / num_experts when config.json has neither (the class default). */
  defaultNumExperts: number;
  /** num_experts_per_tok's class default. */
  defaultTopK: number;
  expertIntermediateSize: number;
  normTopkProb: boolean;
  /** Per layer: sparse (true) or dense. */
  sparseLayers: boolean[];
  expertNames: MoeConfig['expertNames'];
}

/**
 * transformers' MoE routing keys: the expert count under either spelling (`num_local_experts`, or
 * `num_experts`, which the configs' attribute_map makes one attribute; 5.x saves the first),
 * `num_experts_per_tok`, `router_aux_loss_coef` (default 0.001) and `output_router_logits` (default
 * false). Errors name the key and the form expected.
 */
export function readMoeConfig(r: ConfigReader, family: MoeFamily): MoeConfig {
  const local = r.has('num_local_experts') ? r.positiveInt('num_local_experts') : undefined;
  const plain = r.has('num_experts') ? r.positiveInt('num_experts') : undefined;
  if (local !== undefined && plain !== undefined && local !== plain) {
    r.fail(
      'num_experts',
      `is ${plain} but num_local_experts is ${local}; they name one setting, so they must agree`,
    );
  }
  const numExperts = local ?? plain ?? family.defaultNumExperts;
  const numExpertsPerTok = r.positiveInt('num_experts_per_tok', family.defaultTopK);
  if (numExpertsPerTok > numExperts) {
    r.fail(
      'num_experts_per_tok',
      `is ${numExpertsPerTok}; expected at most the number of experts (${numExperts})`,
    );
  }
  const coef = r.number('router_aux_loss_coef', 0.001);
  if (coef < 0) r.fail('router_aux_loss_coef', `is ${coef}; expected a number >= 0`);
  return {
    numExperts,
    numExpertsPerTok,
    expertIntermediateSize: family.expertIntermediateSize,
    normTopkProb: family.normTopkProb,
    sparseLayers: family.sparseLayers,
    routerAuxLossCoef: coef,
    outputRouterLogits: r.bool('output_router_logits', false),
    expertNames: family.expertNames,
  };
}

/** The routing keys of `moe` for a new config.json (the expert count is written by the family). */
export function writeMoeRouting(moe: MoeConfig): Record<string, unknown> {
  return {
    num_experts_per_tok: moe.numExpertsPerTok,
    router_aux_loss_coef: moe.routerAuxLossCoef,
    output_router_logits: moe.outputRouterLogits,
  };
}
