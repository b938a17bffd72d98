/** Edit distance (insertions, deletions, substitutions), for did-you-mean hints. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The known field closest to a misspelt one (`conversation` -> `conversations`), if close enough. */
export function suggestField(
  keys: readonly string[],
  known: readonly string[],
): { key: string; suggestion: string } | undefined {
  let best: { key: string; suggestion: string; distance: number } | undefined;
  for (const key of keys) {
    for (const candidate of known) {
      const distance = editDistance(key.toLowerCase(), candidate);
      if (distance <= Math.max(1, Math.floor(candidate.length / 4)) && (!best || distance < best.distance)) {
        best = { key, suggestion: candidate, distance };
      }
    }
  }
  return best && { key: best.key, suggestion: best.suggestion };
}
