import type { Passage } from './passage.js';

/**
 * The first difference between two passage lists, in words (`passage 3: text differs`), or undefined
 * when they hold the same passages in the same order. Two indexes over one corpus must agree on it, or
 * fused rankings would mix up ids.
 */
export function comparePassages(a: readonly Passage[], b: readonly Passage[]): string | undefined {
  if (a.length !== b.length) return `${a.length} passages against ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i]!, b[i]!];
    if (x.id !== y.id) return `passage ${i}: id ${x.id} against ${y.id}`;
    // Every field, so fields added to Passage later (a PDF page) count too.
    const [fx, fy] = [x as unknown as Record<string, unknown>, y as unknown as Record<string, unknown>];
    for (const field of new Set([...Object.keys(fx), ...Object.keys(fy)]))
      if (fx[field] !== fy[field]) return `passage ${x.id}: ${field} differs`;
  }
  return undefined;
}
