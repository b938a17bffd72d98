import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import type { SearchHit } from './bm25-index.js';
import { checkPassage } from './check-passage.js';
import type { Passage } from './passage.js';
import { writeFileAtomic } from './write-file-atomic.js';

/**
 * The model whose embeddings an index holds. Vectors of two models are not comparable even at the same
 * dimension, so an index refuses queries described by another id.
 */
export interface EmbeddingModelId {
  /** A model directory (absolute) or Hub id. */
  name: string;
  /** Length of each vector (the model's hidden size). */
  dimension: number;
}

/** The JSON header of a saved DenseIndex; the vectors follow it as raw float32 bytes. */
export interface DenseIndexHeader {
  format: typeof FORMAT;
  version: typeof VERSION;
  model: EmbeddingModelId;
  /** Byte layout of the vectors after the header line: row-major [passages, dimension]. */
  dtype: typeof DTYPE;
  passages: Passage[];
}

const FORMAT = 'medgpt-rag-dense';
const VERSION = 1;
const DTYPE = 'float32-le';

/**
 * Passages and one embedding vector each, searched by cosine similarity. Vectors are L2-normalised
 * when the index is made (a zero vector stays zero and scores 0), so a search is one dot product per
 * passage: exact, with no approximate-neighbour structure, which suits chatpdf's corpora of thousands of
 * passages. No tensors: the caller embeds.
 */
export class DenseIndex {
  readonly model: EmbeddingModelId;
  readonly passages: readonly Passage[];
  /** Row-major [passages.length, dimension], each row of length 1 or 0. */
  private readonly matrix: Float32Array;

  constructor(passages: readonly Passage[], vectors: readonly Float32Array[], model: EmbeddingModelId) {
    checkModelId(model, 'DenseIndex: model');
    if (vectors.length !== passages.length)
      throw new Error(`DenseIndex: ${passages.length} passages but ${vectors.length} vectors`);
    checkUniqueIds(passages);
    const d = model.dimension;
    const matrix = new Float32Array(passages.length * d);
    vectors.forEach((v, i) => {
      if (v.length !== d)
        throw new Error(`DenseIndex: vectors[${i}] has length ${v.length}; the model's dimension is ${d}`);
      matrix.set(normalised(v, `DenseIndex: vectors[${i}]`), i * d);
    });
    this.model = { name: model.name, dimension: d };
    this.passages = passages;
    this.matrix = matrix;
  }

  get dimension(): number {
    return this.model.dimension;
  }

  /** The stored (normalised) vector of the i-th passage; a view, not a copy. */
  vector(i: number): Float32Array {
    const d = this.dimension;
    return this.matrix.subarray(i * d, (i + 1) * d);
  }

  /** The `k` passages most similar to `query` (an embedding of the question), best first; ties by id. */
  search(query: Float32Array, k: number): SearchHit[] {
    if (!Number.isInteger(k) || k < 1)
      throw new Error(`DenseIndex.search: k must be a positive integer, got ${k}`);
    const d = this.dimension;
    if (query.length !== d)
      throw new Error(`DenseIndex.search: the query vector has length ${query.length}; expected ${d}`);
    const q = normalised(query, 'DenseIndex.search: the query vector');
    const hits = this.passages.map((passage, i) => {
      let dot = 0;
      for (let j = 0, o = i * d; j < d; j++) dot += q[j]! * this.matrix[o + j]!;
      return { passage, score: dot };
    });
    return hits.sort((x, y) => y.score - x.score || x.passage.id - y.passage.id).slice(0, k);
  }

  /**
   * Throws unless the index was built with `expected`'s model: `model: the index holds embeddings of
   * "A" (dimension 64), not of "B" (dimension 32)`.
   */
  checkModel(expected: EmbeddingModelId): void {
    const { name, dimension } = this.model;
    if (name !== expected.name || dimension !== expected.dimension) {
      throw new Error(
        `model: the index holds embeddings of "${name}" (dimension ${dimension}), not of ` +
          `"${expected.name}" (dimension ${expected.dimension})`,
      );
    }
  }

  /**
   * Saves the index atomically: one line of JSON (DenseIndexHeader: format, version, model, passages),
   * then the vectors as little-endian float32, row by row.
   */
  async save(path: string): Promise<void> {
    const header: DenseIndexHeader = {
      format: FORMAT,
      version: VERSION,
      model: this.model,
      dtype: DTYPE,
      passages: [...this.passages],
    };
    // JSON.stringify escapes newlines inside strings, so the first newline byte ends the header.
    const head = Buffer.from(`${JSON.stringify(header)}\n`, 'utf8');
    const body = Buffer.from(this.matrix.buffer, this.matrix.byteOffset, this.matrix.byteLength);
    const file = Buffer.concat([head, body]); // a copy, so swapping below leaves the index as it is
    if (endianness() === 'BE') file.subarray(head.length).swap32();
    await writeFileAtomic(path, file);
  }

  /**
   * Loads an index saved by save(). Errors name the file and the field (`format`, `version`, `model`,
   * `passages[3].text`, `vectors`); with `model`, an index of another embedding model is refused.
   */
  static async load(path: string, options: { model?: EmbeddingModelId } = {}): Promise<DenseIndex> {
    const bytes = await readFile(path);
    try {
      const index = DenseIndex.fromBytes(bytes);
      if (options.model) index.checkModel(options.model);
      return index;
    } catch (err) {
      throw new Error(`${path}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Parses save()'s bytes, naming the first field that is not in the expected form. */
  static fromBytes(bytes: Uint8Array): DenseIndex {
    const end = bytes.indexOf(0x0a);
    let header: Partial<DenseIndexHeader> | null = null;
    try {
      header = JSON.parse(Buffer.from(bytes.subarray(0, end < 0 ? bytes.length : end)).toString('utf8'));
    } catch {
      // reported as a bad format below
    }
    if (typeof header !== 'object' || header === null || header.format !== FORMAT)
      throw new Error(`format: expected "${FORMAT}" (a DenseIndex saved by @medgpt/rag)`);
    if (header.version !== VERSION)
      throw new Error(
        `version: expected ${VERSION}, got ${JSON.stringify(header.version)}; rebuild the index`,
      );
    checkModelId(header.model, 'model');
    if (header.dtype !== DTYPE)
      throw new Error(`dtype: expected "${DTYPE}", got ${JSON.stringify(header.dtype)}`);
    if (!Array.isArray(header.passages)) throw new Error('passages: expected an array');
    header.passages.forEach(checkPassage);
    const d = header.model!.dimension;
    const n = header.passages.length;
    const body = Buffer.from(bytes.subarray(end + 1)); // a copy: aligned, and safe to swap
    if (end < 0 || body.length !== n * d * 4)
      throw new Error(
        `vectors: expected ${n * d * 4} bytes after the header (${n} passages × ${d} × 4), ` +
          `got ${end < 0 ? 0 : body.length}; the file is truncated or not a DenseIndex`,
      );
    if (endianness() === 'BE') body.swap32();
    const matrix = new Float32Array(body.buffer, body.byteOffset, n * d);
    const vectors = header.passages.map((_, i) => matrix.subarray(i * d, (i + 1) * d));
    return new DenseIndex(header.passages, vectors, header.model!);
  }
}

function checkModelId(model: unknown, field: string): asserts model is EmbeddingModelId {
  const m = (model ?? {}) as Partial<EmbeddingModelId>;
  if (typeof m.name !== 'string' || m.name === '')
    throw new Error(`${field}.name: expected a non-empty string (the embedding model)`);
  if (!Number.isInteger(m.dimension) || m.dimension! < 1)
    throw new Error(`${field}.dimension: expected a positive integer, got ${JSON.stringify(m.dimension)}`);
}

function checkUniqueIds(passages: readonly Passage[]): void {
  const seen = new Set<number>();
  for (const p of passages) {
    if (seen.has(p.id)) throw new Error(`DenseIndex: passage id ${p.id} appears twice; ids must be unique`);
    seen.add(p.id);
  }
}

/** v / |v| (a zero vector as is); a non-finite entry is an error naming `what`. */
function normalised(v: Float32Array, what: string): Float32Array {
  let sum = 0;
  for (let j = 0; j < v.length; j++) {
    if (!Number.isFinite(v[j])) throw new Error(`${what}[${j}] is ${v[j]}; expected a finite number`);
    sum += v[j]! * v[j]!;
  }
  if (sum === 0) return v;
  const inv = 1 / Math.sqrt(sum);
  return v.map((x) => x * inv);
}
