// CrossEntropy, and CrossEntropyGrad in CrossEntropyGrad.ts (core-tensor's fused loss) over
// csrc/CrossEntropy.cu: per-row losses into scratch, then one block sums them; the backward counts the
// labels on the device and reads dy there, so nothing syncs with the host.
import { CrossEntropy, type CrossEntropyAttrs, tf } from '@medgpt/core-tensor';
import { filled } from './Fill.js';
import { cudaBackend, requireFloat32, rowGrid, WIDE_BLOCK } from './launch-config.js';
import { withScratch } from './scratch.js';

export type Inputs = { logits: tf.TensorInfo; labels: tf.TensorInfo; dy?: tf.TensorInfo };

export const crossEntropyConfig: tf.KernelConfig = {
  kernelName: CrossEntropy,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { logits, labels } = inputs as Inputs;
    requireFloat32(CrossEntropy, 'logits', logits);
    const { ignoreIndex, reduction } = attrs as CrossEntropyAttrs;
    const [rows, vocab] = logits.shape as [number, number];
    if (rows === 0) return filled(backend, [], 'float32', 0);
    const out = backend.makeTensorInfo([], 'float32');
    const runtime = backend.runtime;
    // Scratch: a double loss and an int "counted" flag per row.
    withScratch(backend, 12 * rows, 'CrossEntropy row losses', (scratch) => {
      const rowLoss = scratch;
      const rowCounted = scratch + 8 * rows;
      runtime
        .fn('CrossEntropy', 'cross_entropy_rows')
        .launch(runtime.stream, rowGrid(rows), WIDE_BLOCK, 0, [
          backend.pointer(logits),
          backend.pointer(labels),
          rowLoss,
          rowCounted,
          rows,
          vocab,
          ignoreIndex,
        ]);
      runtime
        .fn('CrossEntropy', 'cross_entropy_total')
        .launch(runtime.stream, 1, WIDE_BLOCK, 0, [
          rowLoss,
          rowCounted,
          backend.pointer(out),
          rows,
          reduction === 'mean' ? 1 : 0,
        ]);
    });
    return out;
  },
};
