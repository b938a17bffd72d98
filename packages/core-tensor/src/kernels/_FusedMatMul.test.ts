import { describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { stockKernel } from './register-all-kernels.js';

/**
 * tfjs's own cpu _FusedMatMul (plain JS: matmul, add, activation), the reference on every backend. tfjs's
 * wasm kernel is no reference: its fallback loop adds a rank-1 bias by flat index and clamps partial sums.
 */
async function stockCpu(inputs: Record<string, tf.Tensor>, attrs: tf.NamedAttrMap): Promise<tf.Tensor> {
  const previous = tf.getBackend();
  await tf.setBackend('cpu');
  const onCpu: tf.NamedTensorInfoMap = {};
  for (const [name, t] of Object.entries(inputs)) onCpu[name] = tf.tensor(t.dataSync(), t.shape, t.dtype);
  const config = stockKernel(tf._FusedMatMul, 'cpu')!;
  const info = config.kernelFunc({ inputs: onCpu, backend: tf.backend(), attrs }) as tf.TensorInfo;
  const out = tf.engine().makeTensorFromTensorInfo(info);
  const [values, shape] = [out.dataSync(), out.shape];
  tf.dispose([out, ...(Object.values(onCpu) as tf.Tensor[])]);
  await tf.setBackend(previous);
  return tf.tensor(values, shape);
}

function expectClose(got: tf.Tensor, want: tf.Tensor, tol = 1e-4): void {
  expect(got.shape).toEqual(want.shape);
  const g = got.dataSync();
  const w = want.dataSync();
  let worst = 0;
  for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(g[i]! - w[i]!));
  expect(worst).toBeLessThan(tol);
}

describe.each(['cpu', 'wasm'])('_FusedMatMul on %s', (backend) => {
  // m k n = 37 33 29 is past the small-matrix cut (32^3) on wasm; 8 100 6 is below it with k > 48, where
  // tfjs's wasm loop clamps partial sums.
  const cases = [
    { batch: 1, activation: 'relu', dims: [37, 33, 29] },
    { batch: 3, activation: 'linear', dims: [37, 33, 29] },
    { batch: 3, activation: 'relu6', dims: [37, 33, 29] },
    { batch: 1, activation: 'sigmoid', dims: [37, 33, 29] },
    { batch: 1, activation: 'leakyrelu', dims: [37, 33, 29] },
    { batch: 2, activation: 'relu6', dims: [8, 100, 6] },
    { batch: 2, activation: 'linear', dims: [8, 100, 6] },
    // Without bias, few rows against a wide operand run as (B·Aᵀ)ᵀ on wasm.
    { batch: 1, activation: 'relu', dims: [3, 64, 100], noBias: true },
  ];
  for (const { batch, activation, dims, noBias } of cases) {
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`matches tfjs's cpu kernel: batch ${batch}, [${dims}], ${activation}${noBias ? ', no bias' : ''}, transposeA=${ta}, transposeB=${tb}`, async () => {
        await tf.setBackend(backend);
        const [m, k, n] = dims as [number, number, number];
        const a = tf.randomUniform(ta ? [batch, k, m] : [batch, m, k], -1, 1, 'float32', 1);
        const b = tf.randomUniform(tb ? [batch, n, k] : [batch, k, n], -1, 1, 'float32', 2);
        const bias = tf.randomUniform([n], -1, 1, 'float32', 3);
        const before = tf.memory().numTensors;
        const got = tf.fused.matMul({
          a,
          b,
          transposeA: ta,
          transposeB: tb,
          bias: noBias ? undefined : bias,
          activation: activation as tf.fused.Activation,
          leakyreluAlpha: 0.1,
        });
        const attrs = { transposeA: ta, transposeB: tb, activation, leakyreluAlpha: 0.1 };
        const want = await stockCpu(noBias ? { a, b } : { a, b, bias }, attrs);
        expectClose(got, want);
        tf.dispose([got, want]);
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([a, b, bias]);
      });
    }
  }

  it("matches tfjs's cpu kernel with PReLU weights", async () => {
    await tf.setBackend(backend);
    const a = tf.randomUniform([1, 40, 30], -1, 1, 'float32', 4);
    const b = tf.randomUniform([1, 50, 30], -1, 1, 'float32', 5);
    const alpha = tf.randomUniform([50], 0, 0.5, 'float32', 6);
    const got = tf.fused.matMul({
      a,
      b,
      transposeB: true,
      activation: 'prelu',
      preluActivationWeights: alpha,
    });
    const attrs = { transposeA: false, transposeB: true, activation: 'prelu', leakyreluAlpha: 0.2 };
    const want = await stockCpu({ a, b, preluActivationWeights: alpha }, attrs);
    expectClose(got, want);
    tf.dispose([a, b, alpha, got, want]);
  });
});
