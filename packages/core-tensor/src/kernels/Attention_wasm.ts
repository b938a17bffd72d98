import type { tf } from '../tf.js';
import {
  attentionCall,
  blockProbabilities,
  blockRows,
  blocks,
  gatherKeys,
  gatherKeysTransposed,
  gatherQueries,
  scatterQueries,
  type AttentionCall,
  type Block,
} from './attention-blocks.js';
import { withScratch } from './wasm-scratch.js';
import { Attention } from '../kernel-names.js';

// Attention on wasm, block by block (attention-blocks.ts): every product is an XNNPACK matMul and every
// softmax wasm's SIMD one, where the JS kernel runs scalar float64 loops with a Math.exp per score. Same
// semantics as the JS kernel; float32 arithmetic as attentionReference.

/** Output [B*Tq, H*D]: per block, O = softmax(scale q kᵀ) v. Every output row lies in exactly one block. */
export const attentionWasmKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { q, k, v } = inputs as Record<string, tf.TensorInfo>;
  return withScratch(backend, (s) => {
    const call = attentionCall(s, inputs, attrs ?? {});
    const out = s.alloc(q!.shape);
    for (const blk of blocks(call)) forwardBlock(call, { q: q!, k: k!, v: v! }, out, blk);
    return s.keep(out);
  });
};

function forwardBlock(
  call: AttentionCall,
  t: { q: tf.TensorInfo; k: tf.TensorInfo; v: tf.TensorInfo },
  out: tf.TensorInfo,
  blk: Block,
): void {
  const { s, dims } = call;
  const [m, n, d] = [blockRows(call, blk), blk.j1 - blk.j0, dims.headDim];
  const qb = gatherQueries(call, t.q, blk);
  const kt = gatherKeysTransposed(call, t.k, blk, dims.scale);
  const scores = s.matMul(qb, kt, m, d, n);
  s.free(qb, kt);
  const probs = blockProbabilities(call, scores, blk);
  s.free(scores);
  const vb = gatherKeys(call, t.v, blk);
  const o = s.matMul(probs, vb, m, n, d);
  s.free(probs, vb);
  scatterQueries(call, o, out, blk, 1);
  s.free(o);
}

export const attentionWasmConfig: tf.KernelConfig = {
  kernelName: Attention,
  backendName: 'wasm',
  kernelFunc: attentionWasmKernel,
};
