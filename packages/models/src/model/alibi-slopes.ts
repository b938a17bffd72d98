/**
 * ALiBi's per-head slopes (Press et al.; Baichuan 13B's `_get_interleave`): for n heads a power of 2,
 * the geometric sequence starting at 2^(-8/n) with that ratio; otherwise those of the power of 2 below
 * n, then every other slope of twice that power for the remaining heads.
 */
export function alibiSlopes(numHeads: number): number[] {
  const powerOf2 = (n: number): number[] => {
    const start = 2 ** -(2 ** -(Math.log2(n) - 3));
    return Array.from({ length: n }, (_, i) => start * start ** i);
  };
  if (Number.isInteger(Math.log2(numHeads))) return powerOf2(numHeads);
  const below = 2 ** Math.floor(Math.log2(numHeads));
  return [
    ...powerOf2(below),
    ...alibiSlopes(2 * below)
      .filter((_, i) => i % 2 === 0)
      .slice(0, numHeads - below),
  ];
}
