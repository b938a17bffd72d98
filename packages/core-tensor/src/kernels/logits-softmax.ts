import { tf } from '../tf.js';
import { classAt, rowLogSumExp } from './logits-row.js';
import type { WasmScratch } from './wasm-scratch.js';

// What CrossEntropy, TokenLogprobs and their gradients share on wasm. The exp of every logit is the cost
// (the JS kernels pay ~20 ns per Math.exp); wasm's Softmax kernel (XNNPACK: max, SIMD exp and sum,
// scale) does it at ~1 ns per logit. Rows go through in chunks of at most CHUNK_LOGITS, so the forward still holds
// no second [N, V] buffer, only one chunk.

/** Logits per softmax chunk (4 MB). */
const CHUNK_LOGITS = 1 << 20;

/**
 * Below this probability the float32 softmax has lost precision (XNNPACK flushes exp below ~e^-87 to
 * 0): such a row's log-probability is computed exactly from its logits instead (float64, as the JS kernel).
 */
const MIN_PROBABILITY = 1e-30;

export interface LogitsInputs {
  logits: tf.TensorInfo;
  labels: tf.TensorInfo;
}

/** Each row's class, or -1 when ignored; throws (naming `op`) on a label outside [0, V). */
export function rowClasses(s: WasmScratch, op: string, t: LogitsInputs, ignoreIndex: number): Int32Array {
  const labels = s.i32(t.labels);
  const vocab = t.logits.shape[1]!;
  const classes = new Int32Array(labels.length);
  for (let row = 0; row < labels.length; row++) classes[row] = classAt(op, labels, row, vocab, ignoreIndex);
  return classes;
}

/** softmax of logits rows [row0, row0 + rows), [rows, V]. */
interface SoftmaxChunk {
  probs: tf.TensorInfo;
  row0: number;
  rows: number;
}

/**
 * The softmax of the logits chunk by chunk; each chunk's probs are freed when the next is asked for. A
 * chunk other than the whole tensor is copied out first (a memcpy, ~5% of the softmax's time).
 */
function* softmaxChunks(s: WasmScratch, logits: tf.TensorInfo): Generator<SoftmaxChunk> {
  const [n, vocab] = logits.shape as [number, number];
  const chunk = Math.max(1, Math.floor(CHUNK_LOGITS / Math.max(vocab, 1)));
  for (let row0 = 0; row0 < n; row0 += chunk) {
    const rows = Math.min(chunk, n - row0);
    let part = logits;
    if (rows < n) {
      part = s.alloc([rows, vocab]);
      s.f32(part).set(s.f32(logits).subarray(row0 * vocab, (row0 + rows) * vocab));
    }
    const probs = s.run(tf.Softmax, { logits: part }, { dim: 1 });
    if (part !== logits) s.free(part);
    try {
      yield { probs, row0, rows };
    } finally {
      s.free(probs);
    }
  }
}

/** log softmax(row)[label] of every counted row (NaN where ignored), from chunked wasm softmax. */
export function labelLogprobs(s: WasmScratch, logits: tf.TensorInfo, classes: Int32Array): Float64Array {
  const vocab = logits.shape[1]!;
  const out = new Float64Array(classes.length).fill(NaN);
  for (const { probs, row0, rows } of softmaxChunks(s, logits)) {
    const p = s.f32(probs);
    for (let r = 0; r < rows; r++) {
      const label = classes[row0 + r]!;
      if (label < 0) continue;
      const prob = p[r * vocab + label]!;
      // NaN (non-finite logits) also takes the exact path, which gives the JS kernel's result.
      if (prob >= MIN_PROBABILITY) out[row0 + r] = Math.log(prob);
      else {
        const x = s.f32(logits);
        const off = (row0 + r) * vocab;
        out[row0 + r] = x[off + label]! - rowLogSumExp(x, off, vocab);
      }
    }
  }
  return out;
}

/**
 * dlogits [N, V] = rowScale[row] * (softmax(row) - onehot(label)): the softmax chunk times the [rows, 1]
 * scale column (wasm SIMD multiply; 0 for ignored rows), then the label entries fixed up in JS.
 */
export function scaledSoftmaxMinusOneHot(
  s: WasmScratch,
  logits: tf.TensorInfo,
  classes: Int32Array,
  rowScale: Float32Array,
): tf.TensorInfo {
  const [n, vocab] = logits.shape as [number, number];
  let out: tf.TensorInfo | null = null;
  for (const { probs, row0, rows } of softmaxChunks(s, logits)) {
    const scale = s.alloc([rows, 1]);
    s.f32(scale).set(rowScale.subarray(row0, row0 + rows));
    const scaled = s.run(tf.Multiply, { a: probs, b: scale });
    s.free(scale);
    if (rows === n) {
      out = scaled; // one chunk: the product is the output, no copy
      continue;
    }
    out ??= s.alloc([n, vocab]);
    s.f32(out).set(s.f32(scaled), row0 * vocab);
    s.free(scaled);
  }
  out ??= s.zeros([n, vocab]); // no rows
  const dx = s.f32(out);
  for (let row = 0; row < n; row++) {
    const label = classes[row]!;
    if (label >= 0) dx[row * vocab + label] -= rowScale[row]!;
  }
  return s.keep(out, [n, vocab]);
}
