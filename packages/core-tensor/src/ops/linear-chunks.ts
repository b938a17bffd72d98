// Chunked vocabulary projection shared by linearCrossEntropy and linearTokenLogprobs: token rows are
// projected onto the vocabulary a chunk at a time (logits = hidden @ weight^T), so at most one
// [chunk, V] logits block is alive, in the forward and again (recomputed) in the backward.
import { gradientWanted, unwantedGradient } from '../engine/gradient-sink.js';
import { tf } from '../tf.js';
import { checkLabels } from './logits-labels.js';

/** Default logits elements per chunk: 2^24 floats, 64 MiB in float32 (right for cpu and wasm). */
export const LOGITS_PER_CHUNK = 1 << 24;

// Per backend name, set by a backend with room for bigger chunks (a GPU: fewer, larger GEMMs).
const chunkElementsByBackend = new Map<string, number>();

/**
 * Sets the default logits elements per chunk of linearCrossEntropy and linearTokenLogprobs on backend
 * `backendName` (chunk rows = elements / vocab, at least 1); null restores LOGITS_PER_CHUNK. A backend
 * sets its own when it loads (cuda: 2^27); an explicit `chunkSize` option still wins.
 */
export function setLogitsChunkElements(backendName: string, elements: number | null): void {
  const fn = 'setLogitsChunkElements';
  if (typeof backendName !== 'string' || backendName === '') {
    throw new Error(
      `${fn}: backendName must be a non-empty string (a tfjs backend name such as 'cuda'), got ${show(backendName)}`,
    );
  }
  if (elements === null) {
    chunkElementsByBackend.delete(backendName);
    return;
  }
  if (typeof elements !== 'number' || !Number.isSafeInteger(elements) || elements < 1) {
    throw new Error(
      `${fn}: elements must be a positive integer (logits elements per chunk, e.g. 2 ** 27) or null ` +
        `(the default), got ${show(elements)}`,
    );
  }
  chunkElementsByBackend.set(backendName, elements);
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/** The default logits elements per chunk on `backendName` (default: the active backend). */
export function logitsChunkElements(backendName: string = tf.getBackend()): number {
  return chunkElementsByBackend.get(backendName) ?? LOGITS_PER_CHUNK;
}

/** One chunk of token rows [start, start + size) with its hidden rows, logits and labels. */
export interface LogitsChunk {
  start: number;
  size: number;
  hidden: tf.Tensor2D;
  logits: tf.Tensor2D;
  labels: tf.Tensor1D;
}

type CustomGradFn<T extends tf.Tensor> = Parameters<typeof tf.customGrad<T>>[0];

/** Which of (hidden, weight) the running backward differentiates by. */
export interface WantedGrads {
  hidden: boolean;
  weight: boolean;
}

/**
 * tf.customGrad over (hidden, weight), typed for these ops. `gradFunc` is told which gradients the
 * backward wants (gradientWanted) and returns null for the others, which get unwantedGradient().
 */
export function customGradHW<T extends tf.Tensor>(
  f: (
    hidden: tf.Tensor2D,
    weight: tf.Tensor2D,
    save: tf.GradSaveFunc,
  ) => {
    value: T;
    gradFunc: (dy: T, saved: tf.Tensor[], wanted: WantedGrads) => (tf.Tensor | null)[];
  },
): (hidden: tf.Tensor, weight: tf.Tensor) => T {
  const g = (h: tf.Tensor2D, w: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const { value, gradFunc } = f(h, w, save);
    return {
      value,
      gradFunc: (dy: T, saved: tf.Tensor[]): tf.Tensor[] => {
        // Asked with h and w themselves: the saved tensors are aliases with other ids.
        const wanted = { hidden: gradientWanted(h), weight: gradientWanted(w) };
        return gradFunc(dy, saved, wanted).map((grad) => grad ?? unwantedGradient());
      },
    };
  };
  return tf.customGrad(g as unknown as CustomGradFn<T>) as (hidden: tf.Tensor, weight: tf.Tensor) => T;
}

/**
 * Checks hidden float32 [N, H] (N >= 1), weight float32 [V, H] and labels int32 [N]; returns the chunk
 * size (default: logitsChunkElements() / V rows, for the active backend).
 */
export function checkLinearArgs(
  op: string,
  hidden: tf.Tensor,
  weight: tf.Tensor,
  labels: tf.Tensor,
  chunkSize?: number,
): number {
  if (hidden.rank !== 2 || hidden.dtype !== 'float32' || hidden.shape[0] === 0) {
    throw new Error(
      `${op}: hidden must be float32 [tokens >= 1, hidden], got [${hidden.shape}] ${hidden.dtype}`,
    );
  }
  if (weight.rank !== 2 || weight.dtype !== 'float32' || weight.shape[1] !== hidden.shape[1]) {
    throw new Error(
      `${op}: weight must be float32 [vocab, ${hidden.shape[1]}] (HF Linear layout), got [${weight.shape}] ${weight.dtype}`,
    );
  }
  checkLabels(op, labels, hidden.shape[0]!);
  const size = chunkSize ?? Math.max(1, Math.floor(logitsChunkElements() / weight.shape[0]!));
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`${op}: chunkSize must be a positive integer, got ${size}`);
  return size;
}

function chunkStarts(n: number, chunkSize: number): number[] {
  const starts: number[] = [];
  for (let s = 0; s < n; s += chunkSize) starts.push(s);
  return starts;
}

function logitsChunk(
  hidden: tf.Tensor2D,
  weight: tf.Tensor2D,
  labels: tf.Tensor1D,
  start: number,
  chunkSize: number,
): LogitsChunk {
  const size = Math.min(chunkSize, hidden.shape[0] - start);
  const h = tf.slice(hidden, [start, 0], [size, -1]);
  const logits = tf.matMul(h, weight, false, true) as tf.Tensor2D;
  return { start, size, hidden: h, logits, labels: tf.slice(labels, start, size) };
}

/** Runs `fn` on every chunk's logits, each in its own tidy, and returns its results in row order. */
export function mapLogitsChunks<T extends tf.Tensor>(
  hidden: tf.Tensor2D,
  weight: tf.Tensor2D,
  labels: tf.Tensor1D,
  chunkSize: number,
  fn: (chunk: LogitsChunk) => T,
): T[] {
  return chunkStarts(hidden.shape[0], chunkSize).map((start) =>
    tf.tidy(() => fn(logitsChunk(hidden, weight, labels, start, chunkSize))),
  );
}

/**
 * Backward of the chunked projection: recomputes each chunk's logits, asks `dLogits` for their gradient,
 * and accumulates dhidden = dlogits @ weight and dweight = dlogits^T @ hidden, each only when `wanted`
 * (a frozen lm_head / tied embedding under LoRA: no [V, H] GEMM per chunk, no [V, H] sum). Returns
 * [dhidden, dweight], null where not wanted.
 */
export function linearChunksBackward(
  hidden: tf.Tensor2D,
  weight: tf.Tensor2D,
  labels: tf.Tensor1D,
  chunkSize: number,
  dLogits: (chunk: LogitsChunk) => tf.Tensor2D,
  wanted: WantedGrads,
): [tf.Tensor2D | null, tf.Tensor2D | null] {
  const dHiddenParts: tf.Tensor2D[] = [];
  let dWeight: tf.Tensor2D | null = null;
  for (const start of chunkStarts(hidden.shape[0], chunkSize)) {
    const prev: tf.Tensor2D | null = dWeight;
    // What the tidy returns is kept (tracked by the caller's scope); the rest is freed.
    const parts = tf.tidy((): tf.Tensor2D[] => {
      const chunk = logitsChunk(hidden, weight, labels, start, chunkSize);
      const dl = dLogits(chunk);
      const out: tf.Tensor2D[] = [];
      if (wanted.hidden) out.push(tf.matMul(dl, weight) as tf.Tensor2D);
      if (wanted.weight) {
        const part = tf.matMul(dl, chunk.hidden, true, false);
        out.push((prev ? tf.add(prev, part) : part) as tf.Tensor2D);
      }
      return out;
    });
    if (wanted.hidden) dHiddenParts.push(parts.shift()!);
    if (wanted.weight) {
      prev?.dispose();
      dWeight = parts.shift()!;
    }
  }
  if (dHiddenParts.length <= 1) return [dHiddenParts[0] ?? null, dWeight];
  const dHidden = tf.concat(dHiddenParts, 0);
  tf.dispose(dHiddenParts);
  return [dHidden, dWeight];
}
