import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeness, expectNoLeak, Generator, gradientWanted, tf, unwantedGradient } from '../index.js';
import {
  registerShapeOnlyBackend,
  shapeOnlyBackend,
  shapeOnlyTensor,
} from '../testing/shape-only-backend.js';
import { checkpoint } from '../train/checkpoint.js';
import { valueAndGrads } from './value-and-grads.js';

// Checkpointed blocks that read trainable weights through closures (as a model's layers and LoRA
// hooks do): under the driver their gradients reach the backward pass through the gradient sink.

const g = new Generator(8);
const param = (shape: number[], name: string, trainable = true): tf.Variable =>
  tf.tidy(() => tf.variable(tf.tensor(g.normal(shape[0]! * shape[1]!, 0, 0.4), shape), trainable, name));

/** Layer i: tanh(h W_i + h A_i B_i), with W frozen or trained and the adapter A, B trained. */
function makeLayers(n: number, tag: string, trainBase: boolean) {
  return Array.from({ length: n }, (_, i) => ({
    w: param([6, 6], `${tag}.w${i}`, trainBase),
    a: param([6, 2], `${tag}.a${i}`),
    b: param([2, 6], `${tag}.b${i}`),
  }));
}
type Layers = ReturnType<typeof makeLayers>;
const layer = (l: Layers[number]) => (h: tf.Tensor) =>
  tf.tanh(tf.add(tf.matMul(h, l.w), tf.matMul(tf.matMul(h, l.a), l.b)));

function lossOf(layers: Layers, x: tf.Tensor, ckpt: 'none' | 'each' | 'nested'): tf.Scalar {
  let h = x;
  layers.forEach((l, i) => {
    if (ckpt === 'none') h = layer(l)(h);
    else if (ckpt === 'each') h = checkpoint((t) => layer(l)(t), [h]);
    // Two layers per outer checkpoint, the second checkpointed again inside.
    else if (i % 2 === 0) {
      const next = layers[i + 1];
      h = checkpoint((t) => (next ? checkpoint((u) => layer(next)(u), [layer(l)(t)]) : layer(l)(t)), [h]);
    }
  });
  return tf.sum(tf.square(h));
}

function expectSame(got: tf.NamedTensorMap, want: tf.NamedTensorMap): void {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const name of Object.keys(want)) {
    expect(closeness(got[name]!.dataSync(), want[name]!.dataSync(), 1e-7, 1e-5), name).toBeLessThanOrEqual(1);
  }
}

describe.each(['cpu', 'wasm'])('checkpointed blocks under the driver on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    ['frozen base, trained adapters (LoRA): the first block reads no trained tensor as input', false],
    ['every weight trained', true],
  ] as const)('%s', (_label, trainBase) => {
    const layers = makeLayers(4, `${backend}.${trainBase}`, trainBase);
    const vars = layers.flatMap((l) => [l.w, l.a, l.b]);
    const x = tf.tensor2d(g.normal(5 * 6, 0, 1), [5, 6]); // a frozen input: not a variable
    const want = valueAndGrads(() => lossOf(layers, x, 'none'), vars);
    expect(Object.keys(want.grads).length).toBe(trainBase ? 12 : 8);
    for (const mode of ['each', 'nested'] as const) {
      expectNoLeak(
        () => {
          const got = valueAndGrads(() => lossOf(layers, x, mode), vars);
          expect(got.value.dataSync()[0]).toBeCloseTo(want.value.dataSync()[0]!, 5);
          expectSame(got.grads, want.grads);
          tf.dispose([got.value, ...Object.values(got.grads)]);
        },
        { label: mode },
      );
    }
    tf.dispose([want.value, ...Object.values(want.grads), ...vars, x]);
  });

  it('gives a subset of the variables only what was asked for', () => {
    const layers = makeLayers(2, `${backend}.subset`, true);
    const x = tf.tensor2d(g.normal(5 * 6, 0, 1), [5, 6]);
    const asked = [layers[0]!.a, layers[1]!.w];
    expectNoLeak(() => {
      const want = valueAndGrads(() => lossOf(layers, x, 'none'), asked);
      const got = valueAndGrads(() => lossOf(layers, x, 'each'), asked);
      expectSame(got.grads, want.grads);
      tf.dispose([want.value, got.value, ...Object.values(want.grads), ...Object.values(got.grads)]);
    });
    tf.dispose([...layers.flatMap((l) => [l.w, l.a, l.b]), x]);
  });
});

describe('gradientWanted', () => {
  // x * y through a customGrad that records, at backward, which of its inputs the pass wants.
  const seen: boolean[][] = [];
  const mul = tf.customGrad((a, b, save) => {
    const [x, y] = [a as tf.Tensor, b as tf.Tensor];
    (save as tf.GradSaveFunc)([x, y]);
    return {
      value: tf.mul(x, y),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const wanted = [gradientWanted(x), gradientWanted(y)];
        seen.push(wanted);
        const d = dy as tf.Tensor;
        return wanted.map((w, i) => (w ? tf.mul(d, saved[1 - i]!) : unwantedGradient()));
      },
    };
  });

  it("is true under tfjs's own backward, and under the driver says what the pass differentiates by", () => {
    const x = tf.variable(tf.tensor1d([1, 2]), true, 'gw.x');
    const y = tf.variable(tf.tensor1d([3, 4]), true, 'gw.y');
    const f = () => tf.sum(mul(x, tf.add(y, 1))) as tf.Scalar;
    expectNoLeak(() => {
      seen.length = 0;
      const stock = tf.variableGrads(f, [x]);
      const onlyX = valueAndGrads(f, [x]);
      const onlyY = valueAndGrads(f, [y]);
      expect(seen).toEqual([
        [true, true],
        [true, false],
        [false, true], // y + 1 is computed from y
      ]);
      expect(onlyX.grads['gw.x']!.arraySync()).toEqual(stock.grads['gw.x']!.arraySync());
      expect(onlyY.grads['gw.y']!.arraySync()).toEqual([1, 2]);
      tf.dispose([stock, onlyX, onlyY].flatMap((r) => [r.value, ...Object.values(r.grads)]));
    });
    tf.dispose([x, y]);
  });
});

describe('checkpointing memory under the driver (shape-only backend)', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('keeps only each block input, and one block at a time in backward', async () => {
    registerShapeOnlyBackend('shape-only-ckpt');
    await tf.setBackend('shape-only-ckpt');
    const [N, D, L] = [64, 8, 10];
    const ws = Array.from({ length: L }, (_, i) => tf.variable(shapeOnlyTensor([D, D]), true, `ckm.${i}`));
    // A block of 4 ops keeps ~6 activations for backward; checkpointed, only its input.
    const block = (w: tf.Tensor) => (h: tf.Tensor) =>
      tf.tanh(tf.add(tf.matMul(tf.tanh(tf.matMul(h, w)), w), h));
    const loss = (ck: boolean) => (): tf.Scalar =>
      tf.sum(
        ws.reduce(
          (h: tf.Tensor, w) => (ck ? checkpoint(block(w), [h]) : block(w)(h)),
          shapeOnlyTensor([N, D]),
        ),
      );
    const be = shapeOnlyBackend();
    const peak = (ck: boolean) => {
      const start = be.liveBytes;
      be.resetPeak();
      const { value, grads } = valueAndGrads(loss(ck), ws);
      tf.dispose([value, ...Object.values(grads)]);
      expect(be.liveBytes).toBe(start);
      return be.peakBytes - start;
    };
    const unit = N * D * 4;
    const [plain, ckpt] = [peak(false), peak(true)];
    expect(plain).toBeGreaterThan(4 * L * unit);
    expect(ckpt).toBeLessThan(L * unit + 12 * unit);
    tf.dispose(ws);
  });
});
