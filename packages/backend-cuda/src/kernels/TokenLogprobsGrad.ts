// TokenLogprobsGrad (the backward of TokenLogprobs) over the same CUDA source; see TokenLogprobs.ts.
import { TokenLogprobsGrad, type TokenLogprobsAttrs, tf } from '@medgpt/core-tensor';
import { cudaBackend, rowGrid, WIDE_BLOCK } from './launch-config.js';
import { Inputs } from './TokenLogprobs.js';

export const tokenLogprobsGradConfig: tf.KernelConfig = {
  kernelName: TokenLogprobsGrad,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { logits, labels, dy } = inputs as Required<Inputs>;
    const [rows, vocab] = logits.shape as [number, number];
    const dx = backend.makeTensorInfo(logits.shape, 'float32');
    if (rows === 0) return dx;
    backend.runtime
      .fn('TokenLogprobs', 'token_logprobs_backward')
      .launch(backend.runtime.stream, rowGrid(rows), WIDE_BLOCK, 0, [
        backend.pointer(logits),
        backend.pointer(labels),
        backend.pointer(dy),
        backend.pointer(dx),
        rows,
        vocab,
        (attrs as TokenLogprobsAttrs).ignoreIndex,
      ]);
    return dx;
  },
};
