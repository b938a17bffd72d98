import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf.js';
import { scatterAddRows, segmentSumGeometry } from './scatter-add.js';

/**
 * wasm UnsortedSegmentSum (missing from tfjs-backend-wasm; it is the gradient of gather, i.e. of an
 * embedding lookup): one scatter-add pass in JS straight over the wasm heap.
 */
export const wasmUnsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as tf.UnsortedSegmentSumInputs;
    const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
    const wasm = backend as BackendWasm;
    if (x!.dtype !== 'float32' && x!.dtype !== 'int32') {
      throw new Error(`unsortedSegmentSum on wasm supports float32 and int32 x, got ${x!.dtype}.`);
    }
    if (segmentIds!.dtype !== 'int32') {
      throw new Error(`unsortedSegmentSum: segmentIds must be int32, got ${segmentIds!.dtype}.`);
    }
    const g = segmentSumGeometry(x!.shape, segmentIds!.shape, numSegments);
    const out = wasm.makeOutput(g.outShape, x!.dtype);
    // Views only after the allocation above, which may grow (and so move) the heap.
    const outValues = wasm.typedArrayFromHeap(out);
    outValues.fill(0); // malloc'd memory is not zeroed
    const ids = wasm.typedArrayFromHeap(segmentIds!) as Int32Array;
    scatterAddRows(wasm.typedArrayFromHeap(x!), ids, g.rowSize, numSegments, outValues);
    return out;
  },
};
