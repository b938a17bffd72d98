/**
 * Slots (`n * k + j`: token n's j-th expert) sorted by expert, as a counting sort: expert 0's slots first,
 * each expert's in slot order. The rows of a grouped activation are these positions.
 */
export interface ExpertGroups {
  /** Slots routed to each expert, [experts]. */
  counts: Int32Array;
  /** Sorted position -> the token whose row it holds. */
  tokenOfPosition: Int32Array;
  /** Slot -> its sorted position (to bring expert outputs back to token order). */
  positionOfSlot: Int32Array;
}

/** Groups the slots of `experts` ([tokens * k] expert ids) by expert, with `k` slots per token. */
export function groupByExpert(experts: Int32Array, numExperts: number, k: number): ExpertGroups {
  const counts = new Int32Array(numExperts);
  for (const e of experts) counts[e]! += 1;
  const next = new Int32Array(numExperts);
  for (let e = 1; e < numExperts; e++) next[e] = next[e - 1]! + counts[e - 1]!;
  const tokenOfPosition = new Int32Array(experts.length);
  const positionOfSlot = new Int32Array(experts.length);
  for (let s = 0; s < experts.length; s++) {
    const p = next[experts[s]!]!++;
    tokenOfPosition[p] = Math.floor(s / k);
    positionOfSlot[s] = p;
  }
  return { counts, tokenOfPosition, positionOfSlot };
}
