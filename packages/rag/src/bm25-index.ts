import { readFile } from 'node:fs/promises';
import { analyseText } from './analyse-text.js';
import { checkPassage } from './check-passage.js';
import type { Passage } from './passage.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** BM25's free parameters: term-frequency saturation k1 and length normalisation b. */
export interface Bm25Options {
  k1?: number;
  b?: number;
}

/** A passage and its BM25 score for a query. */
export interface SearchHit {
  passage: Passage;
  score: number;
}

/** The saved form of a Bm25Index. Postings are rebuilt on load, so the file is the passages and parameters. */
export interface Bm25IndexJson {
  format: typeof FORMAT;
  version: typeof VERSION;
  k1: number;
  b: number;
  passages: Passage[];
}

const FORMAT = 'medgpt-rag-bm25';
const VERSION = 1;

/**
 * Okapi BM25 over passages, with analyseText's terms: score(D, Q) = Σ over the query's distinct terms of
 * idf(t) · tf·(k1+1) / (tf + k1·(1 − b + b·|D|/avgdl)), idf(t) = ln(1 + (N − df + 0.5)/(df + 0.5)).
 * Distinct query terms because the n-gram analyser repeats common characters of a long question, which
 * would otherwise outweigh rarer terms.
 */
export class Bm25Index {
  readonly k1: number;
  readonly b: number;
  readonly passages: readonly Passage[];
  private readonly lengths: number[];
  private readonly avgLength: number;
  /** term -> [passage index, term frequency] for every passage containing it. */
  private readonly postings = new Map<string, [number, number][]>();

  constructor(passages: readonly Passage[], { k1 = 1.5, b = 0.75 }: Bm25Options = {}) {
    if (!Number.isFinite(k1) || k1 < 0)
      throw new Error(`Bm25Index: k1 must be a finite number >= 0, got ${k1}`);
    if (!Number.isFinite(b) || b < 0 || b > 1)
      throw new Error(`Bm25Index: b must be a number in [0, 1], got ${b}`);
    checkUniqueIds(passages);
    this.k1 = k1;
    this.b = b;
    this.passages = passages;
    this.lengths = passages.map((p, i) => this.addPostings(i, analyseText(p.text)));
    this.avgLength = this.lengths.reduce((s, n) => s + n, 0) / Math.max(1, passages.length);
  }

  /** The top `k` passages with a positive score, best first; equal scores by ascending id. */
  search(query: string, k: number): SearchHit[] {
    if (!Number.isInteger(k) || k < 1)
      throw new Error(`Bm25Index.search: k must be a positive integer, got ${k}`);
    const scores = new Map<number, number>();
    for (const term of new Set(analyseText(query))) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.idf(list.length);
      for (const [i, tf] of list)
        scores.set(i, (scores.get(i) ?? 0) + idf * this.saturate(tf, this.lengths[i]!));
    }
    return [...scores]
      .map(([i, score]) => ({ passage: this.passages[i]!, score }))
      .sort((x, y) => y.score - x.score || x.passage.id - y.passage.id)
      .slice(0, k);
  }

  /** idf(t) = ln(1 + (N − df + 0.5)/(df + 0.5)): never negative, unlike the original Robertson form. */
  idf(df: number): number {
    const n = this.passages.length;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  toJSON(): Bm25IndexJson {
    return { format: FORMAT, version: VERSION, k1: this.k1, b: this.b, passages: [...this.passages] };
  }

  /** Rebuilds an index from toJSON's output, naming the first field that is not in the expected form. */
  static fromJSON(json: unknown): Bm25Index {
    const obj = json as Partial<Bm25IndexJson> | null;
    if (typeof obj !== 'object' || obj === null || obj.format !== FORMAT) {
      throw new Error(`format: expected "${FORMAT}" (a Bm25Index saved by @medgpt/rag)`);
    }
    if (obj.version !== VERSION) {
      throw new Error(`version: expected ${VERSION}, got ${JSON.stringify(obj.version)}; rebuild the index`);
    }
    if (typeof obj.k1 !== 'number') throw new Error('k1: expected a number');
    if (typeof obj.b !== 'number') throw new Error('b: expected a number');
    if (!Array.isArray(obj.passages)) throw new Error('passages: expected an array');
    obj.passages.forEach(checkPassage);
    return new Bm25Index(obj.passages, { k1: obj.k1, b: obj.b });
  }

  /** Saves the index as JSON, atomically. */
  async save(path: string): Promise<void> {
    await writeFileAtomic(path, JSON.stringify(this.toJSON()));
  }

  /** Loads an index saved by save(); errors name the file. */
  static async load(path: string): Promise<Bm25Index> {
    const text = await readFile(path, 'utf8');
    try {
      return Bm25Index.fromJSON(JSON.parse(text));
    } catch (err) {
      throw new Error(`${path}: ${(err as Error).message}`, { cause: err });
    }
  }

  private saturate(tf: number, length: number): number {
    const norm = this.avgLength > 0 ? 1 - this.b + (this.b * length) / this.avgLength : 1;
    return (tf * (this.k1 + 1)) / (tf + this.k1 * norm);
  }

  private addPostings(index: number, terms: readonly string[]): number {
    const counts = new Map<string, number>();
    for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const [t, tf] of counts) {
      const list = this.postings.get(t);
      if (list) list.push([index, tf]);
      else this.postings.set(t, [[index, tf]]);
    }
    return terms.length;
  }
}

function checkUniqueIds(passages: readonly Passage[]): void {
  const seen = new Set<number>();
  for (const p of passages) {
    if (seen.has(p.id)) throw new Error(`Bm25Index: passage id ${p.id} appears twice; ids must be unique`);
    seen.add(p.id);
  }
}
