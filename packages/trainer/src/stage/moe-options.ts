import type { CausalLM } from '@medgpt/models';
import type { OptionDoc } from '../training-argument-docs.js';
import { checkOption, isNumberIn } from './check-option.js';

/**
 * A mixture of experts' load-balancing loss (Mixtral, Qwen3-MoE): transformers' config keys
 * `output_router_logits` and `router_aux_loss_coef`, which config.json sets and a run may override (as
 * `from_pretrained(..., output_router_logits=True)` does). MedicalGPT has no flags for them; these keep
 * transformers' names.
 */
export interface MoeOptions {
  /** Add the routers' load-balancing loss to the training loss; null (default): config.json's (false). */
  output_router_logits: boolean | null;
  /** Its weight; null (default): config.json's (transformers' default 0.001; Mixtral 8x7B ships 0.02). */
  router_aux_loss_coef: number | null;
}

export const MOE_OPTION_DEFAULTS: MoeOptions = { output_router_logits: null, router_aux_loss_coef: null };

export const MOE_OPTION_DOCS: Record<keyof MoeOptions, OptionDoc> = {
  output_router_logits: {
    kind: 'boolean',
    help: "mixture of experts: add the routers' load-balancing loss (default: config.json's output_router_logits)",
  },
  router_aux_loss_coef: {
    kind: 'number',
    help: "mixture of experts: the load-balancing loss's weight (default: config.json's router_aux_loss_coef)",
  },
};

export function checkMoeOptions(o: MoeOptions): void {
  checkOption(
    'output_router_logits',
    o.output_router_logits,
    o.output_router_logits === null || typeof o.output_router_logits === 'boolean',
    'true, false or unset',
  );
  checkOption(
    'router_aux_loss_coef',
    o.router_aux_loss_coef,
    o.router_aux_loss_coef === null || isNumberIn(o.router_aux_loss_coef, 0, Infinity),
    'a number >= 0 or unset',
  );
}

/**
 * The load-balancing loss's weight for training `model`, or null when the run adds none: a dense model,
 * or a mixture of experts whose output_router_logits (the option, else config.json's) is off. Asking for
 * it on a dense model is an error naming the option.
 */
export function routerAuxLossCoef(model: CausalLM, o: MoeOptions): number | null {
  const moe = model.config.moe;
  if (moe === undefined) {
    checkOption(
      'output_router_logits',
      o.output_router_logits,
      o.output_router_logits !== true,
      `false or unset for ${model.config.className}`,
      'it is not a mixture of experts',
    );
    return null;
  }
  return (o.output_router_logits ?? moe.outputRouterLogits)
    ? (o.router_aux_loss_coef ?? moe.routerAuxLossCoef)
    : null;
}
