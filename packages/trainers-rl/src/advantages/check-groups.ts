/**
 * Checks that `length` rewards split into groups of `groupSize` consecutive completions (the G
 * generations of one prompt) and returns the number of groups. A group needs two members: one alone
 * has no spread and no leave-one-out baseline.
 */
export function checkGroups(op: string, length: number, groupSize: number): number {
  if (!Number.isInteger(groupSize) || groupSize < 2) {
    throw new Error(`${op}: groupSize must be an integer >= 2, got ${groupSize}`);
  }
  if (length === 0) throw new Error(`${op}: no rewards were given`);
  if (length % groupSize !== 0) {
    throw new Error(`${op}: ${length} rewards do not split into groups of ${groupSize}`);
  }
  return length / groupSize;
}
