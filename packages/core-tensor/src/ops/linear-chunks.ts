// Chunked vocabulary projection shared by linearCrossEntropy and linearTokenLogprobs: token rows are
// projected onto the vocabulary a chunk at a time (logits = hidden @ weight^T), so at most one
// [chunk, V] logits block is alive, in the forward and again (recomputed) in the backward.
import { tf } from '../tf.js';
import { checkLabels } from './logits-labels.js';

/** Default logits elements per chunk: 2^24 floats, 64 MiB in float32. */
export const LOGITS_PER_CHUNK = 1 << 24;

/** One chunk of token rows [start, start + size) with its hidden rows, logits and labels. */
export interface LogitsChunk {
  start: number;
  size: number;
  hidden: tf.Tensor2D;
  logits: tf.Tensor2D;
  labels: tf.Tensor1D;
}

type CustomGradFn<T extends tf.Tensor> = Parameters<typeof tf.customGrad<T>>[0];

/** tf.customGrad over (hidden, weight), typed for these ops. */
export function customGradHW<T extends tf.Tensor>(
  f: (
    hidden: tf.Tensor2D,
    weight: tf.Tensor2D,
    save: tf.GradSaveFunc,
  ) => { value: T; gradFunc: (dy: T, saved: tf.Tensor[]) => tf.Tensor[] },
): (hidden: tf.Tensor, weight: tf.Tensor) => T {
  return tf.customGrad(f as unknown as CustomGradFn<T>) as (hidden: tf.Tensor, weight: tf.Tensor) => T;
}

/**
 * Checks hidden float32 [N, H] (N >= 1), weight float32 [V, H] and labels int32 [N]; returns the chunk
 * size (default: LOGITS_PER_CHUNK / V rows).
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
  const size = chunkSize ?? Math.max(1, Math.floor(LOGITS_PER_CHUNK / weight.shape[0]!));
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
 * and accumulates dhidden = dlogits @ weight and dweight = dlogits^T @ hidden. Returns [dhidden, dweight].
 */
export function linearChunksBackward(
  hidden: tf.Tensor2D,
  weight: tf.Tensor2D,
  labels: tf.Tensor1D,
  chunkSize: number,
  dLogits: (chunk: LogitsChunk) => tf.Tensor2D,
): [tf.Tensor2D, tf.Tensor2D] {
  const dHiddenParts: tf.Tensor2D[] = [];
  let dWeight: tf.Tensor2D | null = null;
  for (const start of chunkStarts(hidden.shape[0], chunkSize)) {
    const prev: tf.Tensor2D | null = dWeight;
    // Returning both from the tidy keeps them (tracked by the caller's scope); the rest is freed.
    const [dh, dw] = tf.tidy((): tf.Tensor2D[] => {
      const chunk = logitsChunk(hidden, weight, labels, start, chunkSize);
      const dl = dLogits(chunk);
      const part = tf.matMul(dl, chunk.hidden, true, false);
      return [tf.matMul(dl, weight) as tf.Tensor2D, (prev ? tf.add(prev, part) : part) as tf.Tensor2D];
    });
    prev?.dispose();
    dHiddenParts.push(dh!);
    dWeight = dw!;
  }
  if (dHiddenParts.length === 1) return [dHiddenParts[0]!, dWeight!];
  const dHidden = tf.concat(dHiddenParts, 0) as tf.Tensor2D;
  tf.dispose(dHiddenParts);
  return [dHidden, dWeight!];
}
