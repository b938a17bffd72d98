import type { tf } from '../tf.js';
import type { ParamGroup } from './optimizer.js';

/**
 * transformers' Trainer.get_decay_parameter_names name patterns, searched in the lower-cased full
 * parameter name: biases and every norm weight (LayerNorm, RMSNorm, `model.norm`, Qwen3's
 * `q_norm`/`k_norm`) get no weight decay. HF also exempts modules of type nn.LayerNorm whatever
 * their name; our models name their norms so that the patterns catch them.
 */
export const NO_DECAY_NAME_PATTERNS: readonly RegExp[] = [
  /bias/,
  /layernorm/,
  /rmsnorm/,
  /(?:^|\.)norm(?:$|\.)/,
  /_norm(?:$|\.)/,
];

/** Whether weight decay applies to the parameter called `name`. */
export function isDecayParameterName(name: string, extraPatterns: readonly RegExp[] = []): boolean {
  const lower = name.toLowerCase();
  return ![...NO_DECAY_NAME_PATTERNS, ...extraPatterns].some((p) => p.test(lower));
}

/** The names in `names` that get weight decay, in order (HF's get_decay_parameter_names). */
export function getDecayParameterNames(
  names: Iterable<string>,
  extraPatterns: readonly RegExp[] = [],
): string[] {
  return [...names].filter((n) => isDecayParameterName(n, extraPatterns));
}

/**
 * HF Trainer.create_optimizer's two groups: decayed parameters with `weightDecay`, the rest with 0.
 * Empty groups are left out.
 */
export function weightDecayParamGroups(
  variables: tf.Variable[],
  weightDecay: number,
  extraPatterns: readonly RegExp[] = [],
): ParamGroup[] {
  const decay = variables.filter((v) => isDecayParameterName(v.name, extraPatterns));
  const rest = variables.filter((v) => !isDecayParameterName(v.name, extraPatterns));
  const groups: ParamGroup[] = [];
  if (decay.length > 0) groups.push({ params: decay, weightDecay });
  if (rest.length > 0) groups.push({ params: rest, weightDecay: 0 });
  return groups;
}
