/** A classifier's label maps as transformers writes them for `num_labels` n: LABEL_0 .. LABEL_{n-1}. */
export function classifierLabels(numLabels: number): {
  id2label: Record<string, string>;
  label2id: Record<string, number>;
} {
  const names = Array.from({ length: numLabels }, (_, i) => `LABEL_${i}`);
  return {
    id2label: Object.fromEntries(names.map((n, i) => [String(i), n])),
    label2id: Object.fromEntries(names.map((n, i) => [n, i])),
  };
}
