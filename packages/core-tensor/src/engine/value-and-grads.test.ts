import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attention,
  closeness,
  expectNoLeak,
  Generator,
  linearCrossEntropy,
  rmsNorm,
  rope,
  ropeFrequencies,
  swiglu,
  tf,
} from '../index.js';
import { valueAndGradients } from './value-and-gradients.js';
import { valueAndGrads } from './value-and-grads.js';

// A decoder-layer-shaped loss over every fused op and the tfjs ops around them (gather, bias add,
// multi-output rope, residual adds, a weight used twice, an unused output branch).
interface Params {
  embed: tf.Variable;
  norm: tf.Variable;
  wq: tf.Variable;
  bq: tf.Variable;
  wk: tf.Variable;
  wv: tf.Variable;
  wo: tf.Variable;
  gate: tf.Variable;
  up: tf.Variable;
  down: tf.Variable;
  frozen: tf.Variable;
}

const [T, H, HEADS, KV, D, I, V] = [12, 16, 4, 2, 4, 24, 40];
let tag = 0;

function makeParams(): Params {
  const g = new Generator(11);
  const id = tag++;
  const v = (name: string, shape: number[], std: number, trainable = true): tf.Variable =>
    tf.tidy(() =>
      tf.variable(
        tf.tensor(
          g.normal(
            shape.reduce((a, b) => a * b, 1),
            0,
            std,
          ),
          shape,
        ),
        trainable,
        `drv${id}.${name}`,
      ),
    );
  return {
    embed: v('embed', [V, H], 0.5),
    norm: v('norm', [H], 0.2),
    wq: v('wq', [HEADS * D, H], 0.3),
    bq: v('bq', [HEADS * D], 0.1),
    wk: v('wk', [KV * D, H], 0.3),
    wv: v('wv', [KV * D, H], 0.3),
    wo: v('wo', [H, HEADS * D], 0.3),
    gate: v('gate', [I, H], 0.3),
    up: v('up', [I, H], 0.3),
    down: v('down', [H, I], 0.3),
    frozen: v('frozen', [H, H], 0.3, false),
  };
}

function lossOf(p: Params, ids: tf.Tensor1D, labels: tf.Tensor1D, positions: tf.Tensor1D): tf.Scalar {
  const { invFreq, attentionScaling } = ropeFrequencies({
    headDim: D,
    ropeTheta: 10000,
    maxPositionEmbeddings: 64,
  });
  const x = tf.gather(p.embed, ids) as tf.Tensor2D;
  const norm = p.norm as tf.Tensor1D;
  const h = rmsNorm(x, norm, 1e-6);
  const q0 = tf.add(tf.matMul(h, p.wq, false, true), p.bq) as tf.Tensor2D;
  const [q, k] = rope(q0, tf.matMul(h, p.wk, false, true), positions, {
    headDim: D,
    invFreq,
    attentionScaling,
  });
  const o = attention(q, k, tf.matMul(h, p.wv, false, true), { numHeads: HEADS, numKvHeads: KV, batch: 2 });
  const a = tf.add(x, tf.matMul(o, p.wo, false, true)) as tf.Tensor2D;
  const h2 = rmsNorm(a, norm, 1e-6); // the norm weight is read twice: gradients add up
  const m = tf.matMul(
    swiglu(tf.matMul(h2, p.gate, false, true), tf.matMul(h2, p.up, false, true)),
    p.down,
    false,
    true,
  );
  const out = tf.matMul(tf.add(a, m), p.frozen) as tf.Tensor2D; // a frozen variable on the path
  tf.sum(tf.square(out)); // an op off the path to the loss
  return linearCrossEntropy(out, p.embed, labels); // tied head: embed gets two gradients
}

function inputs(): [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D] {
  const ids = Array.from({ length: T }, (_, i) => (i * 7 + 3) % V);
  return [
    tf.tensor1d(ids, 'int32'),
    tf.tensor1d(
      ids.map((t, i) => (i % 5 === 4 ? -100 : (t + 1) % V)),
      'int32',
    ),
    tf.tensor1d(
      Array.from({ length: T }, (_, i) => i % (T / 2)),
      'int32',
    ),
  ];
}

function expectSame(got: tf.NamedTensorMap, want: tf.NamedTensorMap): void {
  // tf.variableGrads lists frozen variables it was given with null; valueAndGrads leaves them out.
  const wanted = Object.keys(want).filter((name) => want[name] !== null);
  expect(Object.keys(got).sort()).toEqual(wanted.sort());
  for (const name of wanted) {
    expect(got[name]!.shape, name).toEqual(want[name]!.shape);
    expect(closeness(got[name]!.dataSync(), want[name]!.dataSync(), 1e-6, 1e-5), name).toBeLessThanOrEqual(1);
  }
}

describe.each(['cpu', 'wasm'])('valueAndGrads on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('gives tf.variableGrads results over the fused ops, without leaks', () => {
    const p = makeParams();
    const [ids, labels, positions] = inputs();
    const vars = Object.values(p);
    const want = tf.variableGrads(() => lossOf(p, ids, labels, positions), vars);
    expectNoLeak(
      () => {
        const got = valueAndGrads(() => lossOf(p, ids, labels, positions), vars);
        expect(got.value.dataSync()[0]).toBe(want.value.dataSync()[0]);
        expect(got.grads[p.frozen.name]).toBeUndefined();
        expectSame(got.grads, want.grads);
        tf.dispose([got.value, ...Object.values(got.grads)]);
      },
      { label: 'valueAndGrads' },
    );
    tf.dispose([
      want.value,
      ...Object.values(want.grads).filter((g) => g !== null),
      ...vars,
      ids,
      labels,
      positions,
    ]);
  });

  it('differentiates by activations with a given dy, as tf.grads does', () => {
    const g = new Generator(5);
    const x = tf.tensor2d(g.normal(6 * 5, 0, 1), [6, 5]);
    const w = tf.tensor2d(g.normal(5 * 3, 0, 1), [5, 3]);
    const dy = tf.tensor2d(g.normal(6 * 3, 0, 1), [6, 3]);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.tanh(tf.matMul(tf.relu(a), b));
    const want = tf.grads(f)([x, w], dy);
    expectNoLeak(() => {
      const { value, grads } = valueAndGradients(() => f(x, w), [x, w], dy);
      expect(dy.isDisposed).toBe(false);
      grads.forEach((gr, i) =>
        expect(closeness(gr!.dataSync(), want[i]!.dataSync(), 1e-7, 1e-6)).toBeLessThanOrEqual(1),
      );
      tf.dispose([value, ...(grads as tf.Tensor[])]);
    });
    tf.dispose([x, w, dy, ...want]);
  });
});
