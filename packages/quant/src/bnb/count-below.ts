/** How many of the sorted `thresholds` are < x (a binary search; 0 for NaN). */
export function countBelow(thresholds: readonly number[], x: number): number {
  let lo = 0;
  let hi = thresholds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x > thresholds[mid]!) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
