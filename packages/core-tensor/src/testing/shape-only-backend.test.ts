import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attention, crossEntropy, MultiTensorAdamW, rmsNorm, swiglu, tf } from '../index.js';
import { registerShapeOnlyBackend, shapeOnlyBackend, shapeOnlyTensor } from './shape-only-backend.js';

describe('shape-only backend', () => {
  beforeAll(async () => {
    registerShapeOnlyBackend('shape-only-test', { floatBytes: 2 });
    registerShapeOnlyBackend('shape-only-test-copies', { aliasBookkeeping: false });
    await tf.setBackend('shape-only-test');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('computes output shapes of tfjs ops and our fused ops, counting kernels', () => {
    const be = shapeOnlyBackend();
    be.resetCounts();
    const x = shapeOnlyTensor([6, 8]);
    const w = shapeOnlyTensor([12, 8]);
    const y = tf.tidy(() => {
      const h = rmsNorm(x as tf.Tensor2D, shapeOnlyTensor([8]) as tf.Tensor1D, 1e-6);
      const q = tf.matMul(h, w, false, true);
      const o = attention(q, tf.slice(q, [0, 0], [6, 4]), tf.slice(q, [0, 4], [6, 4]), {
        numHeads: 3,
        numKvHeads: 1,
        batch: 2,
      });
      return swiglu(o, tf.slice(tf.reshape(tf.concat([o, o], 0), [12, 12]), [0, 0], [6, 12]));
    });
    expect(y.shape).toEqual([6, 12]);
    expect(be.counts.byKernel.get('Attention')).toBe(1);
    expect(be.counts.byKernel.get('BatchMatMul')).toBe(1);
    expect(be.counts.kernels).toBe([...be.counts.byKernel.values()].reduce((a, b) => a + b, 0));
    expect(be.counts.uploads).toBe(0);
    expect(() => tf.matMul(x, w)).toThrow(/shape-only BatchMatMul: \[6,8\] x \[12,8\]/);
    tf.dispose([x, w, y]);
  });

  it('counts live and peak bytes by storage dtype, with aliases sharing one buffer', () => {
    const be = shapeOnlyBackend();
    const start = be.liveBytes;
    be.resetPeak();
    const a = shapeOnlyTensor([10, 10]); // 100 floats at 2 bytes
    const ids = shapeOnlyTensor([10], 'int32');
    expect(be.liveBytes - start).toBe(100 * 2 + 10 * 4);
    expect(be.liveBytesByDtype.get('int32')).toBe(40);
    const views = [tf.reshape(a, [100]), tf.clone(a), tf.cast(a, 'float32')];
    expect(be.liveBytes - start).toBe(240);
    a.dispose();
    expect(be.liveBytes - start).toBe(240); // the views still hold the buffer
    const b = tf.tidy(() => tf.add(views[0]!, tf.reshape(views[1]!, [100])));
    expect(be.peakBytes - start).toBe(440);
    tf.dispose([...views, b, ids]);
    expect(be.liveBytes).toBe(start);
    expect(be.peakBytes - start).toBe(440);
  });

  it('copies bookkeeping kernels when told to (tfjs wasm), fp32 accounting by default', async () => {
    await tf.setBackend('shape-only-test-copies');
    const be = shapeOnlyBackend();
    const start = be.liveBytes;
    const a = shapeOnlyTensor([4]);
    const c = [tf.clone(a), tf.cast(a, 'float32'), tf.reshape(a, [2, 2])];
    expect(be.liveBytes - start).toBe(3 * 16); // reshape still aliases
    tf.dispose([a, ...c]);
    expect(be.liveBytes).toBe(start);
    await tf.setBackend('shape-only-test');
  });

  it('updates optimizer state in place unless another tensor shares the buffer', () => {
    const be = shapeOnlyBackend();
    const vs = [
      tf.variable(shapeOnlyTensor([8, 8]), true, 'so.p0'),
      tf.variable(shapeOnlyTensor([8]), true, 'so.p1'),
    ];
    const grads = Object.fromEntries(vs.map((v) => [v.name, tf.onesLike(v)]));
    const opt = new MultiTensorAdamW(vs);
    opt.step(grads); // creates m and v
    const stepBytes = () => {
      const start = be.liveBytes;
      be.resetPeak();
      opt.step(grads);
      return [be.peakBytes - start, be.liveBytes - start];
    };
    expect(stepBytes()).toEqual([0, 0]);
    // A view sharing p0's buffer keeps the old values: p0 moves to a new buffer (64 floats at 2 bytes).
    const view = tf.clone(vs[0]!);
    expect(stepBytes()).toEqual([128, 128]);
    tf.dispose([view, ...vs, ...Object.values(grads)]);
    opt.dispose();
  });

  it('runs a loss and its gradient; values read back as zeros', () => {
    const logits = tf.variable(shapeOnlyTensor([5, 7]), true, 'shape-only-logits');
    const labels = shapeOnlyTensor([5], 'int32');
    const { value, grads } = tf.variableGrads(() => crossEntropy(tf.mul(logits, logits), labels), [logits]);
    expect(value.shape).toEqual([]);
    expect(grads[logits.name]!.shape).toEqual([5, 7]);
    expect(Array.from(value.dataSync())).toEqual([0]);
    tf.dispose([value, grads[logits.name]!, logits, labels]);
  });
});
