import type { JsonObject } from './config-reader.js';
import { classifierLabels } from './classifier-labels.js';
import type { ModelConfig } from './model-config.js';

/**
 * config.json `raw` rewritten for the head of `config` (a causal LM loaded as a classifier, or the
 * other way round), as transformers' save_pretrained would write it: `architectures` names the new
 * class; a classifier gets `id2label` / `label2id` for its labels, a causal LM loses them. Every other
 * key is kept as loaded.
 */
export function withHeadConfig(raw: JsonObject, config: ModelConfig): JsonObject {
  const { id2label: _i, label2id: _l, num_labels: _n, ...rest } = raw;
  const labels = config.numLabels === null ? {} : classifierLabels(config.numLabels);
  return { ...rest, architectures: [config.className], ...labels };
}
