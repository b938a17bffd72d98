import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { tf } from '../tf.js';
import { scatterAddRows, segmentSumGeometry } from './scatter-add.js';

/**
 * cpu UnsortedSegmentSum as one scatter-add pass, O(N * D). tfjs's kernel loops over every segment
 * (equal, cast, multiply, sum per segment: O(numSegments * N * D)), hopeless for a 150k vocabulary.
 */
export const cpuUnsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'cpu',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as tf.UnsortedSegmentSumInputs;
    const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
    const cpu = backend as MathBackendCPU;
    if (x!.dtype !== 'float32' && x!.dtype !== 'int32') {
      throw new Error(`unsortedSegmentSum on cpu supports float32 and int32 x, got ${x!.dtype}.`);
    }
    if (segmentIds!.dtype !== 'int32') {
      throw new Error(`unsortedSegmentSum: segmentIds must be int32, got ${segmentIds!.dtype}.`);
    }
    const g = segmentSumGeometry(x!.shape, segmentIds!.shape, numSegments);
    const xValues = cpu.data.get(x!.dataId).values as Float32Array | Int32Array;
    const ids = cpu.data.get(segmentIds!.dataId).values as Int32Array;
    const out =
      x!.dtype === 'int32'
        ? new Int32Array(numSegments * g.rowSize)
        : new Float32Array(numSegments * g.rowSize);
    scatterAddRows(xValues, ids, g.rowSize, numSegments, out);
    return cpu.makeTensorInfo(g.outShape, x!.dtype, out);
  },
};
