const SEP = '\u0000';

/**
 * A BPE merge list with its ranks, that can grow, and that applies merges to one word exactly as
 * tokenizers' BPE does: repeatedly merge the adjacent pair of lowest rank, the leftmost on ties.
 */
export class BpeMergeTable {
  private readonly ranks = new Map<string, number>();
  private readonly list: [string, string][] = [];

  constructor(merges: Iterable<readonly [string, string]> = []) {
    for (const [a, b] of merges) this.add(a, b);
  }

  get size(): number {
    return this.list.length;
  }

  /** The merges in rank order. */
  merges(): readonly [string, string][] {
    return this.list;
  }

  has(left: string, right: string): boolean {
    return this.ranks.has(left + SEP + right);
  }

  /** Appends a merge with the lowest priority so far; a merge already present is ignored. */
  add(left: string, right: string): void {
    const key = left + SEP + right;
    if (this.ranks.has(key)) return;
    this.ranks.set(key, this.list.length);
    this.list.push([left, right]);
  }

  /** The pieces BPE turns `symbols` into. */
  apply(symbols: readonly string[]): string[] {
    const word = symbols.slice();
    while (word.length > 1) {
      let best = -1;
      let bestRank = Number.POSITIVE_INFINITY;
      for (let i = 0; i + 1 < word.length; i++) {
        const rank = this.ranks.get(word[i]! + SEP + word[i + 1]!);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) break;
      word.splice(best, 2, word[best]! + word[best + 1]!);
    }
    return word;
  }
}

/** A tokenizer.json merge in either of its forms, as a pair. */
export function mergePair(merge: string | readonly [string, string]): [string, string] {
  if (typeof merge !== 'string') return [merge[0], merge[1]];
  const space = merge.indexOf(' ');
  return [merge.slice(0, space), merge.slice(space + 1)];
}
