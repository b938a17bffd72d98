import { findArchitecture } from '../architectures/registry.js';
import type { JsonObject } from '../config/config-reader.js';
import type { ModelConfig } from '../config/model-config.js';
import { withHeadConfig } from '../config/with-head-config.js';
import { ModelError } from '../model-error.js';
import { LM_HEAD, SCORE } from '../weights/parameter-specs.js';

/** What loading makes of a checkpoint's head: the model's config and what the checkpoint lacks or holds extra. */
export interface HeadPlan {
  config: ModelConfig;
  /** config.json as the model will save it (rewritten when the head changes). */
  rawConfig: JsonObject;
  /** A new score head must be drawn (a causal-LM checkpoint loaded as a classifier). */
  newScore: boolean;
  /** Checkpoint tensors of the head the model does not have. */
  ignoreTensors: string[];
}

/**
 * Decides the head of a model loaded from a checkpoint whose config.json (`file`) parsed to `parsed`,
 * given loadModel's `numLabels` option: undefined keeps the checkpoint's head; a number asks for a
 * sequence classifier (from a causal LM: new score head, lm_head ignored, as transformers'
 * AutoModelForSequenceClassification does); null asks for a causal LM, which a classifier checkpoint
 * can be only with tied embeddings (its LM head is the embedding matrix).
 */
export function resolveHead(
  parsed: ModelConfig,
  raw: JsonObject,
  numLabels: number | null | undefined,
  file: string,
): HeadPlan {
  const same: HeadPlan = { config: parsed, rawConfig: raw, newScore: false, ignoreTensors: [] };
  if (numLabels === undefined || numLabels === parsed.numLabels) return same;
  if (numLabels !== null && !(Number.isInteger(numLabels) && numLabels > 0)) {
    throw new RangeError(
      `loadModel: numLabels is ${numLabels}; expected a positive integer, or null for a causal LM`,
    );
  }
  const arch = findArchitecture(parsed.modelType)!;
  if (numLabels !== null && parsed.numLabels !== null) {
    throw new ModelError(
      file,
      'id2label',
      `this ${parsed.className} checkpoint has ${parsed.numLabels} label(s) but the numLabels option asks for ` +
        `${numLabels}; load it without numLabels (or with ${parsed.numLabels}), or from the causal LM it was trained from`,
    );
  }
  if (numLabels === null && !parsed.tieWordEmbeddings) {
    throw new ModelError(
      file,
      'architectures',
      `this ${parsed.className} checkpoint has a score head and no ${LM_HEAD} (tie_word_embeddings is false), ` +
        'so it cannot load as a causal LM; load it as a classifier (leave numLabels unset) or load the causal LM it was trained from',
    );
  }
  const className = numLabels === null ? arch.className : arch.classifierClassName;
  if (className === null) {
    throw new ModelError(
      file,
      'architectures',
      `${arch.className} has no sequence-classification class, so it cannot load as a classifier (numLabels)`,
    );
  }
  const config: ModelConfig = { ...parsed, numLabels, className };
  return {
    config,
    rawConfig: withHeadConfig(raw, config),
    newScore: numLabels !== null,
    ignoreTensors: [numLabels === null ? SCORE : LM_HEAD],
  };
}
