import {
  attentionDims,
  firstVisibleKey,
  keyFilter,
  keyHidden,
  querySegment,
  type AttentionDims,
  type KeyFilter,
} from './attention-keys.js';
import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';
import { axpy, dot } from './vector-loops.js';
import { Attention } from '../kernel-names.js';

// Keys are visited in blocks: the scores of a block are computed first, then the running max and the
// accumulator are rescaled once per block (online softmax), as a tiled device kernel would do.
const KEY_BLOCK = 64;

export const attentionHostKernel: HostKernelImpl = (inputs, attrs) => {
  const { q, k, v } = inputs;
  const dims = attentionDims(q!, k!, attrs);
  const out = new Float32Array(q!.values.length);
  attentionForward(
    q!.values as Float32Array,
    k!.values as Float32Array,
    v!.values as Float32Array,
    keyFilter(inputs, attrs, dims),
    dims,
    out,
  );
  return { values: out, shape: q!.shape };
};

function attentionForward(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  keys: KeyFilter,
  dims: AttentionDims,
  out: Float32Array,
): void {
  const { batch, tq, s, heads, kvHeads, headDim: d, group, scale, window, offset } = dims;
  const qStride = heads * d;
  const kStride = kvHeads * d;
  const qRow = new Float64Array(d);
  const acc = new Float64Array(d);
  const scores = new Float64Array(KEY_BLOCK);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const kvCol = ((h / group) | 0) * d;
      for (let i = 0; i < tq; i++) {
        const p = offset + i;
        const last = Math.min(p, s - 1);
        const qSegment = querySegment(keys, b * s, p);
        const qBase = (b * tq + i) * qStride + h * d;
        for (let x = 0; x < d; x++) qRow[x] = q[qBase + x]! * scale;
        acc.fill(0);
        let max = -Infinity;
        let sum = 0;
        for (let j0 = firstVisibleKey(keys, b * s, p, window); j0 <= last; j0 += KEY_BLOCK) {
          const j1 = Math.min(last + 1, j0 + KEY_BLOCK);
          let blockMax = -Infinity;
          for (let j = j0; j < j1; j++) {
            if (keyHidden(keys, b * s + j, qSegment)) {
              scores[j - j0] = -Infinity;
              continue;
            }
            const score = dot(qRow, 0, k, (b * s + j) * kStride + kvCol, d);
            scores[j - j0] = score;
            if (score > blockMax) blockMax = score;
          }
          if (blockMax === -Infinity) continue;
          if (blockMax > max) {
            // exp(-Infinity) = 0 clears the empty initial state as well.
            const c = Math.exp(max - blockMax);
            sum *= c;
            for (let x = 0; x < d; x++) acc[x] *= c;
            max = blockMax;
          }
          for (let j = j0; j < j1; j++) {
            const sc = scores[j - j0]!;
            if (sc === -Infinity) continue;
            const w = Math.exp(sc - max);
            sum += w;
            axpy(acc, 0, w, v, (b * s + j) * kStride + kvCol, d);
          }
        }
        // sum == 0: no visible key, the row stays 0.
        if (sum > 0) for (let x = 0; x < d; x++) out[qBase + x] = acc[x]! / sum;
      }
    }
  }
}

export const attentionConfig: HostKernelConfig = {
  kernelName: Attention,
  kernelFunc: hostKernelFunc(attentionHostKernel),
};
