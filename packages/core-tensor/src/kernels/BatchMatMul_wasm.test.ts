import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { stockKernel } from './register-all-kernels.js';
import { wasmBatchMatMulConfig } from './BatchMatMul_wasm.js';

/** tfjs's wasm kernel, recording the operand shapes and flags of every call it gets. */
function recordingStock() {
  const stock = stockKernel(tf.BatchMatMul, 'wasm')!;
  const calls: { a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }[] = [];
  const config: tf.KernelConfig = {
    ...stock,
    kernelFunc: (args) => {
      const { a, b } = args.inputs as tf.BatchMatMulInputs;
      const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
      calls.push({ a: a!.shape, b: b!.shape, transposeA, transposeB });
      return stock.kernelFunc(args);
    },
  };
  return { config, calls };
}

/** The same product on the cpu backend (our cpu kernel, tested against tfjs and a float64 loop). */
async function onCpu(a: number[], b: number[], ta: boolean, tb: boolean) {
  await tf.setBackend('cpu');
  const result = tf.tidy(() => {
    const out = tf.matMul(
      tf.randomUniform(a, -1, 1, 'float32', 1),
      tf.randomUniform(b, -1, 1, 'float32', 2),
      ta,
      tb,
    );
    return { shape: out.shape, values: Array.from(out.dataSync()) };
  });
  await tf.setBackend('wasm');
  return result;
}

describe('wasm BatchMatMul routing', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it.each([
    { a: [33, 40], b: [33, 30], ta: true, tb: false },
    { a: [40, 33], b: [30, 33], ta: false, tb: true },
    { a: [40, 33], b: [30, 40], ta: true, tb: true },
    { a: [3, 40, 33], b: [33, 30], ta: false, tb: false },
    { a: [4, 40, 33], b: [4, 30, 33], ta: false, tb: true },
    { a: [2, 1, 33, 40], b: [3, 33, 30], ta: true, tb: false },
    // Few rows against a wide stored-transposed operand: computed as (B·Aᵀ)ᵀ.
    { a: [2, 64], b: [100, 64], ta: false, tb: true },
    { a: [64, 3], b: [100, 64], ta: true, tb: true },
    { a: [3, 1, 64], b: [100, 64], ta: false, tb: true },
  ])('sends a $a x $b (transposeA=$ta, transposeB=$tb) call to XNNPACK only', async ({ a, b, ta, tb }) => {
    const want = await onCpu(a, b, ta, tb);
    const { config, calls } = recordingStock();
    const before = tf.memory().numTensors;
    const dataIdsBefore = tf.backend().numDataIds();
    tf.tidy(() => {
      const x = tf.randomUniform(a, -1, 1, 'float32', 1);
      const y = tf.randomUniform(b, -1, 1, 'float32', 2);
      const info = wasmBatchMatMulConfig(config).kernelFunc({
        inputs: { a: x, b: y },
        backend: tf.backend(),
        attrs: { transposeA: ta, transposeB: tb },
      }) as tf.TensorInfo;
      const got = tf.engine().makeTensorFromTensorInfo(info);
      expect(got.shape).toEqual(want.shape);
      const values = got.dataSync();
      expect(Math.max(...want.values.map((v, i) => Math.abs(v - values[i]!)))).toBeLessThan(1e-4);
    });
    expect(calls.length).toBeGreaterThan(0);
    // XNNPACK is only reached with no transpose flags and a single [1, rows, k] x [1, k, n] pair.
    for (const call of calls) {
      expect([call.transposeA, call.transposeB]).toEqual([false, false]);
      expect(call.a.length === 2 || call.a[0] === 1).toBe(true);
      expect(call.b.length === 2 || call.b[0] === 1).toBe(true);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.backend().numDataIds()).toBe(dataIdsBefore);
  });

  it("keeps tiny batched products on tfjs's loop, which is faster for them", () => {
    const { config, calls } = recordingStock();
    tf.tidy(() => {
      const x = tf.randomUniform([8, 6, 5], -1, 1, 'float32', 3);
      const y = tf.randomUniform([8, 4, 5], -1, 1, 'float32', 4);
      const info = wasmBatchMatMulConfig(config).kernelFunc({
        inputs: { a: x, b: y },
        backend: tf.backend(),
        attrs: { transposeA: false, transposeB: true },
      }) as tf.TensorInfo;
      tf.engine().makeTensorFromTensorInfo(info);
    });
    expect(calls).toEqual([{ a: [8, 6, 5], b: [8, 4, 5], transposeA: false, transposeB: true }]);
  });
});
