import type { ModelConfig } from '../config/model-config.js';

/** Throws, naming `what`, when `config`'s model has a score head instead of an LM head. */
export function requireLmHead(config: ModelConfig, what: string): void {
  if (config.numLabels === null) return;
  throw new Error(
    `${what}: this ${config.className} has a score head (score.weight, ${config.numLabels} label(s)) and no ` +
      'LM head, so it has no token logits; use scores() for its [batch, numLabels] scores, or load the ' +
      'causal LM it came from',
  );
}
