// TokenLogprobs, and TokenLogprobsGrad in TokenLogprobsGrad.ts (core-tensor's fused op) over
// csrc/TokenLogprobs.cu.
import { TokenLogprobs, type TokenLogprobsAttrs, tf } from '@medgpt/core-tensor';
import { cudaBackend, requireFloat32, rowGrid, WIDE_BLOCK } from './launch-config.js';

export type Inputs = { logits: tf.TensorInfo; labels: tf.TensorInfo; dy?: tf.TensorInfo };

export const tokenLogprobsConfig: tf.KernelConfig = {
  kernelName: TokenLogprobs,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { logits, labels } = inputs as Inputs;
    requireFloat32(TokenLogprobs, 'logits', logits);
    const [rows, vocab] = logits.shape as [number, number];
    const out = backend.makeTensorInfo(labels.shape, 'float32');
    if (rows === 0) return out;
    backend.runtime
      .fn('TokenLogprobs', 'token_logprobs_forward')
      .launch(backend.runtime.stream, rowGrid(rows), WIDE_BLOCK, 0, [
        backend.pointer(logits),
        backend.pointer(labels),
        backend.pointer(out),
        rows,
        vocab,
        (attrs as TokenLogprobsAttrs).ignoreIndex,
      ]);
    return out;
  },
};
