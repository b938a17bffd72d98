import { afterEach, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { stockKernel } from './register-all-kernels.js';
import { scatterAddRows, segmentSumGeometry } from './scatter-add.js';

/** tfjs's own cpu UnsortedSegmentSum (O(numSegments * N * D)), as the reference. */
async function stockCpuSegmentSum(x: tf.Tensor, ids: tf.Tensor, numSegments: number): Promise<number[]> {
  const previous = tf.getBackend();
  await tf.setBackend('cpu');
  const xc = tf.tensor(x.dataSync(), x.shape, x.dtype);
  const idc = tf.tensor(ids.dataSync(), ids.shape, 'int32');
  const info = stockKernel(tf.UnsortedSegmentSum, 'cpu')!.kernelFunc({
    inputs: { x: xc, segmentIds: idc },
    backend: tf.backend(),
    attrs: { numSegments },
  }) as tf.TensorInfo;
  const out = tf.engine().makeTensorFromTensorInfo(info);
  const values = Array.from(out.dataSync());
  tf.dispose([xc, idc, out]);
  await tf.setBackend(previous);
  return values;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-5): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  expect(worst).toBeLessThan(tol);
}

describe('scatterAddRows', () => {
  it('adds rows into their segments and drops ids out of range', () => {
    const x = new Float32Array([1, 2, 10, 20, 100, 200, 5, 5]);
    const out = new Float32Array(3 * 2);
    scatterAddRows(x, new Int32Array([2, 0, 2, -1]), 2, 3, out);
    expect(Array.from(out)).toEqual([10, 20, 0, 0, 101, 202]);
  });

  it('rejects segment ids that are not a prefix of x', () => {
    expect(() => segmentSumGeometry([4, 3], [3], 5)).toThrow(/prefix/);
    expect(segmentSumGeometry([4, 3, 2], [4], 7).outShape).toEqual([7, 3, 2]);
  });
});

describe.each(['cpu', 'wasm'])('UnsortedSegmentSum on %s', (backend) => {
  afterEach(() => tf.disposeVariables());

  it.each([
    { xShape: [12, 5], numSegments: 7, dtype: 'float32' as const },
    { xShape: [6, 3, 4], numSegments: 4, dtype: 'float32' as const },
    { xShape: [9], numSegments: 3, dtype: 'int32' as const },
  ])("matches tfjs's cpu kernel for x $xShape ($dtype), $numSegments segments", async (c) => {
    await tf.setBackend(backend);
    const rows = c.xShape[0]!;
    const x =
      c.dtype === 'int32'
        ? tf.randomUniform(c.xShape, -50, 50, 'int32', 1)
        : tf.randomUniform(c.xShape, -1, 1, 'float32', 1);
    // Ids in [-1, numSegments]: both ends out of range, which TensorFlow drops.
    const ids = tf.randomUniform([rows], -1, c.numSegments + 1, 'int32', 2) as tf.Tensor1D;
    const before = tf.memory().numTensors;
    const got = tf.unsortedSegmentSum(x, ids, c.numSegments);
    expect(got.shape).toEqual([c.numSegments, ...c.xShape.slice(1)]);
    expect(got.dtype).toBe(c.dtype);
    expectClose(got.dataSync(), await stockCpuSegmentSum(x, ids, c.numSegments));
    got.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, ids]);
  });

  it('gives the gradient of gather (an embedding lookup), equal to the one-hot matMul gradient', async () => {
    await tf.setBackend(backend);
    const [vocab, dim] = [11, 6];
    const table = tf.randomUniform([vocab, dim], -1, 1, 'float32', 3);
    const tokens = tf.tensor1d([3, 7, 3, 0, 10, 7, 7], 'int32');
    const weights = tf.randomUniform([tokens.size, dim], -1, 1, 'float32', 4);
    const before = tf.memory().numTensors;
    const viaGather = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tokens), weights)))(table);
    const viaOneHot = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(tf.matMul(tf.cast(tf.oneHot(tokens, vocab), 'float32'), t), weights)),
    )(table);
    expect(viaGather.shape).toEqual([vocab, dim]);
    expectClose(viaGather.dataSync(), viaOneHot.dataSync());
    tf.dispose([viaGather, viaOneHot]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([table, tokens, weights]);
  });
});

it('gives the same gather gradient on wasm as on cpu', async () => {
  const grad = async (backend: string) => {
    await tf.setBackend(backend);
    return tf.tidy(() => {
      const table = tf.randomUniform([50, 8], -1, 1, 'float32', 5);
      const tokens = tf.randomUniform([40], 0, 50, 'int32', 6);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, tokens))))(table);
      return Array.from(g.dataSync());
    });
  };
  expectClose(await grad('wasm'), await grad('cpu'));
});
