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
import { AttentionGrad } from '../kernel-names.js';

// With P = softmax(scale * q k^T) over visible keys and O = P v:
//   dv_j += P_ij dy_i,  dP_ij = dy_i . v_j,  dS_ij = P_ij (dP_ij - dy_i . O_i),
//   dq_i += scale dS_ij k_j,  dk_j += scale dS_ij q_i.
export const attentionGradHostKernel: HostKernelImpl = (inputs, attrs) => {
  const { q, k, v, out, dy } = inputs;
  const dims = attentionDims(q!, k!, attrs);
  const dq = new Float32Array(q!.values.length);
  const dk = new Float64Array(k!.values.length);
  const dv = new Float64Array(v!.values.length);
  attentionBackward(
    {
      q: q!.values as Float32Array,
      k: k!.values as Float32Array,
      v: v!.values as Float32Array,
      keys: keyFilter(inputs, attrs, dims),
      out: out!.values as Float32Array,
      dy: dy!.values as Float32Array,
    },
    dims,
    { dq, dk, dv },
  );
  return [
    { values: dq, shape: q!.shape },
    { values: Float32Array.from(dk), shape: k!.shape },
    { values: Float32Array.from(dv), shape: v!.shape },
  ];
};

interface BackwardInputs {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  keys: KeyFilter;
  out: Float32Array;
  dy: Float32Array;
}

interface BackwardOutputs {
  dq: Float32Array;
  dk: Float64Array;
  dv: Float64Array;
}

function attentionBackward(inp: BackwardInputs, dims: AttentionDims, res: BackwardOutputs): void {
  const { q, k, v, keys, out, dy } = inp;
  const { dq, dk, dv } = res;
  const { batch, tq, s, heads, kvHeads, headDim: d, group, scale, window, offset } = dims;
  const qStride = heads * d;
  const kStride = kvHeads * d;
  const qRow = new Float64Array(d);
  const dyRow = new Float64Array(d);
  const dqRow = new Float64Array(d);
  const scores = new Float64Array(s);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const kvCol = ((h / group) | 0) * d;
      for (let i = 0; i < tq; i++) {
        const p = offset + i;
        const first = firstVisibleKey(keys, b * s, p, window);
        const last = Math.min(p, s - 1);
        const qSegment = querySegment(keys, b * s, p);
        const qBase = (b * tq + i) * qStride + h * d;
        for (let x = 0; x < d; x++) qRow[x] = q[qBase + x]! * scale;
        // Pass 1: scores of the visible keys and their max.
        let max = -Infinity;
        for (let j = first; j <= last; j++) {
          if (keyHidden(keys, b * s + j, qSegment)) {
            scores[j] = -Infinity;
            continue;
          }
          const score = dot(qRow, 0, k, (b * s + j) * kStride + kvCol, d);
          scores[j] = score;
          if (score > max) max = score;
        }
        if (max === -Infinity) continue;
        // Pass 2: softmax normaliser.
        let sum = 0;
        for (let j = first; j <= last; j++) {
          const sc = scores[j]!;
          if (sc !== -Infinity) sum += Math.exp(sc - max);
        }
        for (let x = 0; x < d; x++) dyRow[x] = dy[qBase + x]!;
        const dyDotOut = dot(dyRow, 0, out, qBase, d);
        // Pass 3: gradient contributions of each visible key.
        dqRow.fill(0);
        for (let j = first; j <= last; j++) {
          const sc = scores[j]!;
          if (sc === -Infinity) continue;
          const prob = Math.exp(sc - max) / sum;
          const kvBase = (b * s + j) * kStride + kvCol;
          const dScore = prob * (dot(dyRow, 0, v, kvBase, d) - dyDotOut);
          axpy(dqRow, 0, dScore, k, kvBase, d);
          axpy(dk, kvBase, dScore, qRow, 0, d);
          axpy(dv, kvBase, prob, dyRow, 0, d);
        }
        for (let x = 0; x < d; x++) dq[qBase + x] = dqRow[x]! * scale;
      }
    }
  }
}

export const attentionGradConfig: HostKernelConfig = {
  kernelName: AttentionGrad,
  kernelFunc: hostKernelFunc(attentionGradHostKernel),
};
