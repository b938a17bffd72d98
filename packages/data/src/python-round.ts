/** Python 3's `round(x)`: to the nearest integer, ties to even (`round(0.5) == 0`, `round(2.5) == 2`). */
export function pythonRound(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
