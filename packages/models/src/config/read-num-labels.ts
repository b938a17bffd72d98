import { jsonPreview } from '@medgpt/json-preview';
import { isJsonObject, type ConfigReader } from './config-reader.js';

/** transformers' PretrainedConfig default when a classifier config names no labels. */
const DEFAULT_NUM_LABELS = 2;

/** Whether config.json's `architectures` names a `<Arch>ForSequenceClassification` class. */
function isClassifierConfig(r: ConfigReader): boolean {
  const v = r.value('architectures');
  if (v === undefined) return false;
  if (!Array.isArray(v) || !v.every((a) => typeof a === 'string'))
    r.fail('architectures', `is ${jsonPreview(v)}; expected a list of class names`);
  return v.some((a) => a.endsWith('ForSequenceClassification'));
}

/**
 * The head config.json asks for: null for a causal LM, else the label count of a sequence classifier
 * (`architectures: ["<Arch>ForSequenceClassification"]`): the number of `id2label` entries as in
 * transformers, else `num_labels`, else 2. `label2id` only names the labels. For a causal LM the label
 * keys mean nothing and are accepted.
 */
export function readNumLabels(r: ConfigReader): number | null {
  r.accept('architectures', 'id2label', 'label2id', 'num_labels');
  if (!isClassifierConfig(r)) return null;
  const fromIds = r.has('id2label') ? id2labelSize(r) : null;
  const fromKey = r.has('num_labels') ? r.positiveInt('num_labels') : null;
  if (fromIds !== null && fromKey !== null && fromIds !== fromKey) {
    r.fail('num_labels', `is ${fromKey} but id2label has ${fromIds} entries; they must agree`);
  }
  return fromIds ?? fromKey ?? DEFAULT_NUM_LABELS;
}

// Keys "0".."n-1" (JSON object keys are strings; transformers converts them to ints).
function id2labelSize(r: ConfigReader): number {
  const v = r.value('id2label');
  const keys = isJsonObject(v) ? Object.keys(v) : [];
  const ok = keys.length > 0 && keys.every((k) => /^\d+$/.test(k) && Number(k) < keys.length);
  if (!ok) r.fail('id2label', `is ${jsonPreview(v)}; expected {"0": "LABEL_0", ...} with ids 0..n-1`);
  return keys.length;
}
