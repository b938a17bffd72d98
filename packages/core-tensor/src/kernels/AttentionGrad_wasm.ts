import type { tf } from '../tf.js';
import {
  attentionCall,
  blockProbabilities,
  blockRows,
  blocks,
  forEachQueryRow,
  gatherKeys,
  gatherKeysTransposed,
  gatherQueries,
  scatterQueries,
  accumulateKeys,
  type AttentionCall,
  type Block,
} from './attention-blocks.js';
import { withScratch } from './wasm-scratch.js';
import { AttentionGrad } from '../kernel-names.js';

// AttentionGrad on wasm, block by block as Attention_wasm.ts: every product an XNNPACK matMul, the
// probabilities recomputed per block, so nothing [B, H, Tq, S]-sized is kept or allocated.

/**
 * [dq, dk, dv]. Per block, with P the recomputed probabilities:
 * dV += Pᵀ dY, dP = dY Vᵀ, dS = P (dP - rowsum(dY * O)), dq = scale dS K, dK += scale dSᵀ Q.
 */
export const attentionGradWasmKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const t = inputs as Record<'q' | 'k' | 'v' | 'out' | 'dy', tf.TensorInfo>;
  return withScratch(backend, (s) => {
    const call = attentionCall(s, inputs, attrs ?? {});
    const grads = { dq: s.alloc(t.q.shape), dk: s.zeros(t.k.shape), dv: s.zeros(t.v.shape) };
    for (const blk of blocks(call)) backwardBlock(call, t, grads, blk);
    return [s.keep(grads.dq), s.keep(grads.dk), s.keep(grads.dv)];
  });
};

function backwardBlock(
  call: AttentionCall,
  t: Record<'q' | 'k' | 'v' | 'out' | 'dy', tf.TensorInfo>,
  grads: { dq: tf.TensorInfo; dk: tf.TensorInfo; dv: tf.TensorInfo },
  blk: Block,
): void {
  const { s, dims } = call;
  const [m, n, d] = [blockRows(call, blk), blk.j1 - blk.j0, dims.headDim];
  const qb = gatherQueries(call, t.q, blk);
  const kt = gatherKeysTransposed(call, t.k, blk, dims.scale);
  const scores = s.matMul(qb, kt, m, d, n);
  s.free(kt);
  const probs = blockProbabilities(call, scores, blk);
  s.free(scores);

  const dyb = gatherQueries(call, t.dy, blk);
  const vt = gatherKeysTransposed(call, t.v, blk, 1);
  const dScores = s.matMul(dyb, vt, m, d, n);
  s.free(vt);
  scoreGradient(call, { probs, dScores, dy: t.dy, out: t.out }, blk);

  const probsT = s.transpose(probs, m, n);
  s.free(probs);
  const dv = s.matMul(probsT, dyb, n, m, d);
  s.free(probsT, dyb);
  accumulateKeys(call, dv, grads.dv, blk, 1);
  s.free(dv);

  const kb = gatherKeys(call, t.k, blk);
  const dq = s.matMul(dScores, kb, m, n, d);
  s.free(kb);
  scatterQueries(call, dq, grads.dq, blk, dims.scale);
  s.free(dq);

  const dScoresT = s.transpose(dScores, m, n);
  s.free(dScores);
  const dk = s.matMul(dScoresT, qb, n, m, d);
  s.free(dScoresT, qb);
  accumulateKeys(call, dk, grads.dk, blk, dims.scale);
  s.free(dk);
}

/** dS = P * (dP - dy_i . o_i), in place over dP ([rows, keys]); P is 0 on hidden keys and empty rows. */
function scoreGradient(
  call: AttentionCall,
  t: { probs: tf.TensorInfo; dScores: tf.TensorInfo; dy: tf.TensorInfo; out: tf.TensorInfo },
  blk: Block,
): void {
  const { s, dims } = call;
  const d = dims.headDim;
  const n = blk.j1 - blk.j0;
  const [p, ds, dy, out] = [s.f32(t.probs), s.f32(t.dScores), s.f32(t.dy), s.f32(t.out)];
  forEachQueryRow(call, blk, (row, off) => {
    let delta = 0;
    for (let x = 0; x < d; x++) delta += dy[off + x]! * out[off + x]!;
    const base = row * n;
    for (let jj = 0; jj < n; jj++) ds[base + jj] = p[base + jj]! * (ds[base + jj]! - delta);
  });
}

export const attentionGradWasmConfig: tf.KernelConfig = {
  kernelName: AttentionGrad,
  backendName: 'wasm',
  kernelFunc: attentionGradWasmKernel,
};
