/** A passage id and its fused score. */
export interface FusedHit {
  id: number;
  score: number;
}

/**
 * Reciprocal-rank fusion: each ranking (passage ids, best first) gives the id at 1-based rank r a score
 * of 1/(k + r), summed over rankings. It needs no score calibration, which is why it can merge BM25 with
 * a dense ranking. Best first; equal scores by ascending id.
 */
export function fuseRankings(rankings: readonly (readonly number[])[], k = 60): FusedHit[] {
  if (!Number.isFinite(k) || k < 0) throw new Error(`fuseRankings: k must be a finite number >= 0, got ${k}`);
  const scores = new Map<number, number>();
  rankings.forEach((ranking, r) => {
    const seen = new Set<number>();
    ranking.forEach((id, i) => {
      // A repeated id would count twice and favour whichever ranking repeats it.
      if (seen.has(id))
        throw new Error(`fuseRankings: rankings[${r}] lists id ${id} twice; expected distinct ids`);
      seen.add(id);
      scores.set(id, (scores.get(id) ?? 0) + 1 / (k + i + 1));
    });
  });
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || a.id - b.id);
}
