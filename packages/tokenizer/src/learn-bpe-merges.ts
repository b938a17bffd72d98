/** A training word (a pre-token) as its initial symbols, with how often it occurs. */
export interface WordCount {
  readonly symbols: readonly string[];
  readonly count: number;
}

export interface LearnBpeMergesOptions {
  /** Stop once merges have created this many distinct new tokens. */
  maxNewTokens: number;
  /** Merge results that must never be created (special tokens, byte tokens). */
  forbidden?: ReadonlySet<string>;
  /** Stop when the most frequent pair occurs fewer times than this. Default 2. */
  minFrequency?: number;
  /** Never create a token longer than this many characters. Default unlimited. */
  maxTokenLength?: number;
}

// Pair keys pack two symbol ids into one number. While ids fit 15 bits the keys are small
// integers, which V8 hashes several times faster than larger numbers.
const SMALL_SHIFT = 2 ** 15;
const LARGE_SHIFT = 2 ** 26;

interface HeapEntry {
  key: number;
  count: number;
}

/**
 * Learns BPE merges the classic way: count adjacent symbol pairs over all words (weighted by word
 * count), merge the most frequent pair everywhere, update the counts of the pairs around each
 * change, repeat. Ties go to the pair whose (left, right) strings sort first, so the result
 * depends only on the word counts, not on their order.
 */
export function learnBpeMerges(
  words: readonly WordCount[],
  options: LearnBpeMergesOptions,
): [string, string][] {
  const initial = new Set(words.flatMap((w) => w.symbols)).size;
  const shift = initial + options.maxNewTokens < SMALL_SHIFT ? SMALL_SHIFT : LARGE_SHIFT;
  const state = new PairState(
    words,
    shift,
    options.maxTokenLength ?? Number.POSITIVE_INFINITY,
    options.forbidden,
  );
  const minFrequency = options.minFrequency ?? 2;
  const merges: [string, string][] = [];
  // Two different pairs can make the same token ("ab"+"c", "a"+"bc"): count tokens, not merges.
  const created = new Set<string>();
  while (created.size < options.maxNewTokens) {
    const best = state.popBest();
    if (best === null || best.count < minFrequency) break;
    const pair = state.merge(best.key);
    merges.push(pair);
    created.add(pair[0] + pair[1]);
  }
  return merges;
}

class PairState {
  private readonly symbols: string[] = [];
  private readonly symbolIds = new Map<string, number>();
  private readonly words: number[][];
  private readonly counts: number[];
  private readonly pairCounts = new Map<number, number>();
  private readonly pairWords = new Map<number, Set<number>>();
  private readonly heap: HeapEntry[] = [];

  constructor(
    words: readonly WordCount[],
    private readonly shift: number,
    private readonly maxTokenLength: number,
    private readonly forbidden: ReadonlySet<string> = new Set(),
  ) {
    this.words = words.map((w) => w.symbols.map((s) => this.symbolId(s)));
    this.counts = words.map((w) => w.count);
    this.words.forEach((word, w) => this.addPairs(word, w));
    for (const [key, count] of this.pairCounts) this.push({ key, count });
  }

  /** The most frequent mergeable pair with its current count, or null when none is left. */
  popBest(): HeapEntry | null {
    while (this.heap.length > 0) {
      const top = this.pop();
      const current = this.pairCounts.get(top.key) ?? 0;
      if (current !== top.count) {
        if (current > 0) this.push({ key: top.key, count: current }); // stale entry: requeue
        continue;
      }
      if (current > 0 && this.allowed(top.key)) return top;
    }
    return null;
  }

  /** Merges the pair everywhere it occurs; returns it as strings. */
  merge(key: number): [string, string] {
    const left = Math.floor(key / this.shift);
    const right = key % this.shift;
    const merged = this.symbolId(this.symbols[left]! + this.symbols[right]!);
    const grown = new Set<number>();
    for (const w of this.pairWords.get(key) ?? []) this.mergeInWord(w, left, right, merged, grown);
    this.pairCounts.delete(key);
    this.pairWords.delete(key);
    // Pairs that grew need a fresh heap entry; shrunk ones are fixed lazily when popped.
    for (const k of grown) {
      const count = this.pairCounts.get(k)!;
      if (count > 0) this.push({ key: k, count });
    }
    return [this.symbols[left]!, this.symbols[right]!];
  }

  /** Replaces each (left, right) in one word, left to right, updating only the pairs around it. */
  private mergeInWord(w: number, left: number, right: number, merged: number, grown: Set<number>): void {
    const word = this.words[w]!;
    const count = this.counts[w]!;
    let out = 0;
    for (let i = 0; i < word.length; i++) {
      if (i + 1 < word.length && word[i] === left && word[i + 1] === right) {
        if (out > 0) {
          this.bump(word[out - 1]! * this.shift + left, -count);
          this.bump(word[out - 1]! * this.shift + merged, count, w, grown);
        }
        if (i + 2 < word.length) {
          // The right neighbour may itself start the next occurrence; it is then fixed there.
          this.bump(right * this.shift + word[i + 2]!, -count);
          this.bump(merged * this.shift + word[i + 2]!, count, w, grown);
        }
        word[out++] = merged;
        i++;
      } else {
        word[out++] = word[i]!;
      }
    }
    word.length = out;
  }

  private bump(key: number, delta: number, w?: number, grown?: Set<number>): void {
    this.pairCounts.set(key, (this.pairCounts.get(key) ?? 0) + delta);
    if (w === undefined) return;
    let set = this.pairWords.get(key);
    if (set === undefined) this.pairWords.set(key, (set = new Set()));
    set.add(w);
    grown!.add(key);
  }

  private addPairs(word: readonly number[], w: number): void {
    const count = this.counts[w]!;
    for (let i = 0; i + 1 < word.length; i++) {
      const key = word[i]! * this.shift + word[i + 1]!;
      this.pairCounts.set(key, (this.pairCounts.get(key) ?? 0) + count);
      let set = this.pairWords.get(key);
      if (set === undefined) this.pairWords.set(key, (set = new Set()));
      set.add(w);
    }
  }

  private symbolId(symbol: string): number {
    let id = this.symbolIds.get(symbol);
    if (id === undefined) {
      id = this.symbols.length;
      this.symbols.push(symbol);
      this.symbolIds.set(symbol, id);
    }
    return id;
  }

  private allowed(key: number): boolean {
    const merged = this.symbols[Math.floor(key / this.shift)]! + this.symbols[key % this.shift]!;
    return !this.forbidden.has(merged) && [...merged].length <= this.maxTokenLength;
  }

  // A binary max-heap on (count, then the pair's strings in ascending order).
  private before(a: HeapEntry, b: HeapEntry): boolean {
    if (a.count !== b.count) return a.count > b.count;
    const al = this.symbols[Math.floor(a.key / this.shift)]!;
    const bl = this.symbols[Math.floor(b.key / this.shift)]!;
    if (al !== bl) return al < bl;
    return this.symbols[a.key % this.shift]! < this.symbols[b.key % this.shift]!;
  }

  private push(entry: HeapEntry): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): HeapEntry {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < h.length && this.before(h[l]!, h[best]!)) best = l;
        if (r < h.length && this.before(h[r]!, h[best]!)) best = r;
        if (best === i) break;
        [h[i], h[best]] = [h[best]!, h[i]!];
        i = best;
      }
    }
    return top;
  }
}
