import { beforeAll, describe, expect, it } from 'vitest';
import { closeness, expectNoLeak, tf } from '../index.js';
import { dropout } from '../random/dropout.js';
import { Generator } from '../random/generator.js';
import { checkpoint } from './checkpoint.js';

// A small MLP block over 2-D activations: tanh(x W1 + b1) W2.
const block = (x: tf.Tensor, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor): tf.Tensor =>
  tf.matMul(tf.tanh(tf.add(tf.matMul(x, w1), b1)), w2);

const loss = (y: tf.Tensor): tf.Scalar => tf.sum(tf.square(y));

function data(): tf.Tensor[] {
  const g = new Generator(3);
  const t = (shape: number[], scale: number): tf.Tensor =>
    tf.tensor(g.normal(shape[0]! * (shape[1] ?? 1), 0, scale), shape);
  return [t([4, 6], 1), t([6, 8], 0.4), t([8], 0.1), t([8, 6], 0.4)];
}

function expectSameGrads(a: tf.Tensor[], b: tf.Tensor[]): void {
  expect(a.length).toBe(b.length);
  a.forEach((g, i) => {
    expect(g.shape).toEqual(b[i]!.shape);
    expect(closeness(g.dataSync(), b[i]!.dataSync(), 1e-7, 1e-6)).toBeLessThanOrEqual(1);
  });
}

let n = 0;
const vars = (ts: tf.Tensor[], trainable = true): tf.Variable[] => {
  const id = n++;
  const vs = ts.map((t, i) => tf.variable(t, trainable, `ckpt${id}.${i}`));
  tf.dispose(ts);
  return vs;
};

describe('checkpoint', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('gives the same gradients as the plain block, for activations and weights', () => {
    const xs = data();
    expectNoLeak(() => {
      const plain = tf.grads((...a: tf.Tensor[]) => loss(block(a[0]!, a[1]!, a[2]!, a[3]!)))(xs);
      const ckpt = tf.grads((...a: tf.Tensor[]) => loss(checkpoint(block as never, a)))(xs);
      expectSameGrads(ckpt, plain);
      tf.dispose([...plain, ...ckpt]);
    });
    tf.dispose(xs);
  });

  it('keeps only its inputs after the forward; without a tape, only the output', () => {
    const xs = data();
    // No tape: one new tensor.
    const before = tf.memory().numTensors;
    const y = checkpoint(block as never, xs);
    expect(tf.memory().numTensors - before).toBe(1);
    y.dispose();
    // Under a tape: the output and a saved alias per input; on the tape, the op and the engine's
    // Identity node for each alias.
    const deltas: Record<string, [number, number]> = {};
    for (const mode of ['plain', 'checkpoint'] as const) {
      const g = tf.grads((...a: tf.Tensor[]) => {
        const t0 = tf.memory().numTensors;
        const n0 = tf.engine().state.activeTape.length;
        const out = mode === 'plain' ? block(a[0]!, a[1]!, a[2]!, a[3]!) : checkpoint(block as never, a);
        deltas[mode] = [tf.memory().numTensors - t0, tf.engine().state.activeTape.length - n0];
        return loss(out);
      })(xs);
      tf.dispose(g);
    }
    expect(deltas['checkpoint']).toEqual([1 + xs.length, 1 + xs.length]);
    expect(deltas['plain']![0]).toBeGreaterThan(1 + xs.length);
    expect(deltas['plain']![1]).toBeGreaterThan(1 + xs.length);
    tf.dispose(xs);
  });

  it('works under tf.variableGrads with the weights passed as inputs, twice, with frozen ones', () => {
    const [x, ...weights] = data();
    const [w1, b1, w2] = vars(weights);
    const frozen = vars([tf.eye(6)], false)[0]!;
    // Two layers sharing weights, the second reading a frozen variable passed as input.
    const model = (ck: boolean): tf.Scalar => {
      const run = (...a: tf.Tensor[]): tf.Tensor => tf.matMul(block(a[0]!, a[1]!, a[2]!, a[3]!), a[4]!);
      const layer = (h: tf.Tensor): tf.Tensor =>
        ck ? checkpoint(run, [h, w1!, b1!, w2!, frozen]) : run(h, w1!, b1!, w2!, frozen);
      return loss(layer(layer(x!)));
    };
    expectNoLeak(() => {
      const plain = tf.variableGrads(() => model(false), [w1!, b1!, w2!]);
      const ckpt = tf.variableGrads(() => model(true), [w1!, b1!, w2!]);
      expect(Object.keys(ckpt.grads).sort()).toEqual(Object.keys(plain.grads).sort());
      expectSameGrads(
        Object.values(ckpt.grads),
        Object.keys(ckpt.grads).map((k) => plain.grads[k]!),
      );
      expect(ckpt.value.dataSync()[0]).toBeCloseTo(plain.value.dataSync()[0]!, 5);
      tf.dispose([plain.value, ckpt.value, ...Object.values(plain.grads), ...Object.values(ckpt.grads)]);
    });
    tf.dispose([x!, w1!, b1!, w2!, frozen]);
  });

  it('nests', () => {
    const xs = data();
    const inner = (h: tf.Tensor, w: tf.Tensor): tf.Tensor => tf.tanh(tf.matMul(h, w));
    const outer = (x: tf.Tensor, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor): tf.Tensor =>
      tf.matMul(checkpoint(inner as never, [tf.add(tf.matMul(x, w1), b1), tf.eye(8)]), w2);
    expectNoLeak(() => {
      const plain = tf.grads((...a: tf.Tensor[]) => loss(outer(a[0]!, a[1]!, a[2]!, a[3]!)))(xs);
      const ckpt = tf.grads((...a: tf.Tensor[]) => loss(checkpoint(outer as never, a)))(xs);
      expectSameGrads(ckpt, plain);
      tf.dispose([...plain, ...ckpt]);
    });
    tf.dispose(xs);
  });

  it('replays the dropout masks when given the generators', () => {
    const xs = data();
    const withDropout = (rng: Generator) => (x: tf.Tensor, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor) =>
      tf.matMul(dropout(tf.tanh(tf.add(tf.matMul(x, w1), b1)), 0.5, rng), w2);
    const grads = (ck: 'no' | 'replay' | 'forget'): tf.Tensor[] => {
      const rng = new Generator(77);
      const f = withDropout(rng);
      return tf.grads((...a: tf.Tensor[]) =>
        loss(
          ck === 'no'
            ? f(a[0]!, a[1]!, a[2]!, a[3]!)
            : checkpoint(f as never, a, ck === 'replay' ? { generators: [rng] } : {}),
        ),
      )(xs);
    };
    const plain = grads('no');
    const replayed = grads('replay');
    const forgot = grads('forget');
    expectSameGrads(replayed, plain);
    // Without the replay the recomputation draws fresh masks: different gradients.
    expect(closeness(forgot[1]!.dataSync(), plain[1]!.dataSync(), 1e-7, 1e-6)).toBeGreaterThan(1);
    tf.dispose([...plain, ...replayed, ...forgot, ...xs]);
  });

  it('throws, naming it, when the block reads a trainable variable it was not given', () => {
    const [x, ...weights] = data();
    const [w1, b1, w2] = vars(weights);
    const hidden = (h: tf.Tensor, a: tf.Tensor, b: tf.Tensor): tf.Tensor => block(h, a, b, w2!);
    expect(() =>
      tf.variableGrads(() => loss(checkpoint(hidden as never, [x!, w1!, b1!])), [w1!, b1!, w2!]),
    ).toThrow(
      new RegExp(`reads trainable variable '${w2!.name}' \\(op \\w+\\) that is not one of its inputs`),
    );
    // The engine is usable afterwards.
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square(v)))(x!);
    expect(g.shape).toEqual(x!.shape);
    tf.dispose([g, x!, w1!, b1!, w2!]);
    expect(() => checkpoint(block as never, [])).toThrow(/inputs is empty/);
  });
});
