import { describe, expect, it } from 'vitest';

import { learnBpeMerges, type LearnBpeMergesOptions, type WordCount } from './learn-bpe-merges.js';

/** The textbook algorithm, recounting every pair at every step: slow, obviously right. */
function naiveMerges(words: readonly WordCount[], o: LearnBpeMergesOptions): [string, string][] {
  const ws = words.map((w) => ({ symbols: [...w.symbols], count: w.count }));
  const merges: [string, string][] = [];
  const created = new Set<string>();
  while (created.size < o.maxNewTokens) {
    const counts = new Map<string, { pair: [string, string]; count: number }>();
    for (const w of ws) {
      for (let i = 0; i + 1 < w.symbols.length; i++) {
        const pair: [string, string] = [w.symbols[i]!, w.symbols[i + 1]!];
        const key = JSON.stringify(pair);
        const entry = counts.get(key) ?? { pair, count: 0 };
        entry.count += w.count;
        counts.set(key, entry);
      }
    }
    let best: { pair: [string, string]; count: number } | null = null;
    for (const e of counts.values()) {
      const merged = e.pair[0] + e.pair[1];
      if (o.forbidden?.has(merged) || [...merged].length > (o.maxTokenLength ?? Infinity)) continue;
      const better =
        best === null ||
        e.count > best.count ||
        (e.count === best.count &&
          (e.pair[0] < best.pair[0] || (e.pair[0] === best.pair[0] && e.pair[1] < best.pair[1])));
      if (better) best = e;
    }
    if (best === null || best.count < (o.minFrequency ?? 2)) break;
    const [a, b] = best.pair;
    for (const w of ws) {
      const out: string[] = [];
      for (let i = 0; i < w.symbols.length; i++) {
        if (w.symbols[i] === a && w.symbols[i + 1] === b) {
          out.push(a + b);
          i++;
        } else out.push(w.symbols[i]!);
      }
      w.symbols = out;
    }
    merges.push([a, b]);
    created.add(a + b);
  }
  return merges;
}

function randomCorpus(seed: number, alphabet: string): WordCount[] {
  let s = seed;
  const random = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: 5 + Math.floor(random() * 40) }, () => ({
    symbols: Array.from(
      { length: 1 + Math.floor(random() * 12) },
      () => alphabet[Math.floor(random() * alphabet.length)]!,
    ),
    count: 1 + Math.floor(random() * 6),
  }));
}

describe('learnBpeMerges', () => {
  it('learns exactly the merges of the textbook algorithm on random corpora', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const words = randomCorpus(seed, seed % 2 ? 'ab' : 'abcd中文');
      const options = { maxNewTokens: 1 + (seed % 25), minFrequency: 1 + (seed % 3) };
      expect(learnBpeMerges(words, options), `seed ${seed}`).toEqual(naiveMerges(words, options));
    }
  });

  it('respects maxTokenLength and forbidden results', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const words = randomCorpus(seed, 'abc');
      const options = {
        maxNewTokens: 30,
        minFrequency: 1,
        maxTokenLength: 3,
        forbidden: new Set(['ab', 'cc']),
      };
      const merges = learnBpeMerges(words, options);
      expect(merges, `seed ${seed}`).toEqual(naiveMerges(words, options));
      for (const [a, b] of merges) {
        expect((a + b).length).toBeLessThanOrEqual(3);
        expect(['ab', 'cc']).not.toContain(a + b);
      }
    }
  });

  it('does not depend on the order of the words', () => {
    const words = randomCorpus(99, 'abcde');
    const options = { maxNewTokens: 40, minFrequency: 1 };
    expect(learnBpeMerges([...words].reverse(), options)).toEqual(learnBpeMerges(words, options));
  });
});
