// CrossEntropyGrad (the backward of CrossEntropy) over the same CUDA source; see CrossEntropy.ts.
import { CrossEntropyGrad, type CrossEntropyAttrs, tf } from '@medgpt/core-tensor';
import { cudaBackend, rowGrid, WIDE_BLOCK } from './launch-config.js';
import { withScratch } from './scratch.js';
import { Inputs } from './CrossEntropy.js';

export const crossEntropyGradConfig: tf.KernelConfig = {
  kernelName: CrossEntropyGrad,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { logits, labels, dy } = inputs as Required<Inputs>;
    const { ignoreIndex, reduction } = attrs as CrossEntropyAttrs;
    const [rows, vocab] = logits.shape as [number, number];
    const dx = backend.makeTensorInfo(logits.shape, 'float32');
    if (rows === 0) return dx;
    const runtime = backend.runtime;
    withScratch(backend, 4, 'CrossEntropyGrad label count', (count) => {
      runtime
        .fn('CrossEntropy', 'cross_entropy_count')
        .launch(runtime.stream, 1, WIDE_BLOCK, 0, [backend.pointer(labels), count, rows, ignoreIndex]);
      runtime
        .fn('CrossEntropy', 'cross_entropy_backward')
        .launch(runtime.stream, rowGrid(rows), WIDE_BLOCK, 0, [
          backend.pointer(logits),
          backend.pointer(labels),
          backend.pointer(dy),
          count,
          backend.pointer(dx),
          rows,
          vocab,
          ignoreIndex,
          reduction === 'mean' ? 1 : 0,
        ]);
    });
    return dx;
  },
};
