import { expectNoLeak, tf, valueAndGrads } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { TaskMetrics } from './task-metrics.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('TaskMetrics', () => {
  it('means each name over the calls that gave it, per mode, and resets on take', () => {
    const m = new TaskMetrics(['a', 'b']);
    expectNoLeak(() => {
      tf.tidy(() => {
        m.record('train', { a: tf.scalar(1), b: tf.scalar(10) });
        m.record('train', { a: tf.scalar(3) });
        m.record('eval', { b: tf.scalar(-2) });
      });
      expect(m.take('train')).toEqual({ a: 2, b: 10 });
      expect(m.take('train')).toEqual({});
      expect(m.take('eval')).toEqual({ b: -2 });
    });
  });

  it('a { sum, count } value averages over items, and a zero count adds nothing', () => {
    const m = new TaskMetrics(['r']);
    expectNoLeak(() => {
      tf.tidy(() => {
        m.record('train', { r: { sum: tf.scalar(6), count: 3 } });
        m.record('train', { r: { sum: tf.scalar(4), count: 1 } });
        m.record('train', { r: { sum: tf.scalar(100), count: 0 } });
      });
      expect(m.take('train')).toEqual({ r: 2.5 });
    });
  });

  it('refuses a name it was not given', () => {
    const m = new TaskMetrics(['a']);
    expect(() => tf.tidy(() => m.record('train', { ab: tf.scalar(1) }))).toThrow("'ab' is not one of a");
    m.dispose();
  });

  it('records from inside a backward without changing the gradients or leaking', () => {
    const m = new TaskMetrics(['double']);
    const x = tf.variable(tf.tensor1d([1, 2, 3]), true, 'x');
    expectNoLeak(() => {
      const run = (record: boolean) =>
        valueAndGrads(() => {
          const y = tf.sum(tf.mul(x, x)) as tf.Scalar;
          if (record) m.record('train', { double: tf.mul(y, 2) as tf.Scalar });
          return y;
        }, [x]);
      const plain = run(false);
      const recorded = run(true);
      expect(recorded.value.dataSync()[0]).toBe(14);
      expect(Array.from(recorded.grads.x!.dataSync())).toEqual(Array.from(plain.grads.x!.dataSync()));
      tf.dispose([
        plain.value,
        recorded.value,
        ...Object.values(plain.grads),
        ...Object.values(recorded.grads),
      ]);
      expect(m.take('train')).toEqual({ double: 28 });
    });
    x.dispose();
  });
});
