// The generalized JSD against a naive float64 reference (loops over rows and vocabulary, the mixture
// as probabilities rather than a log-sum-exp), its symmetries and its gradient at β = 0.
import { expectNoLeak, tf, valueAndGradients } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { generalizedJsd } from './generalized-jsd.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const STUDENT = [
  [1.0, -0.5, 2.0],
  [0.3, 0.1, -1.2],
];
const TEACHER = [
  [0.2, 1.5, -0.7],
  [-0.4, 0.8, 0.6],
];

/** Probabilities of softmax(row / T) in float64. */
function probs(row: number[], T: number): number[] {
  const scaled = row.map((x) => x / T);
  const max = Math.max(...scaled);
  const e = scaled.map((x) => Math.exp(x - max));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
}

/** Σ_v p·ln(p / q) over probabilities. */
function klProbs(p: number[], q: number[]): number {
  let sum = 0;
  for (let v = 0; v < p.length; v++) sum += p[v]! * Math.log(p[v]! / q[v]!);
  return sum;
}

/** TRL's generalized JSD with the mixture formed in probability space, averaged over rows. */
function reference(student: number[][], teacher: number[][], beta: number, T = 1): number {
  let total = 0;
  for (let n = 0; n < student.length; n++) {
    const ps = probs(student[n]!, T);
    const pt = probs(teacher[n]!, T);
    if (beta === 0) total += klProbs(pt, ps);
    else if (beta === 1) total += klProbs(ps, pt);
    else {
      const mix: number[] = [];
      for (let v = 0; v < ps.length; v++) mix.push((1 - beta) * ps[v]! + beta * pt[v]!);
      total += beta * klProbs(pt, mix) + (1 - beta) * klProbs(ps, mix);
    }
  }
  return total / student.length;
}

function run(student: number[][], teacher: number[][], beta: number, temperature?: number): number {
  return tf.tidy(() => {
    const loss = generalizedJsd(tf.tensor2d(student), tf.tensor2d(teacher), { beta, temperature });
    expect(loss.shape).toEqual([]);
    return loss.dataSync()[0]!;
  });
}

describe('generalizedJsd', () => {
  for (const T of [1, 2]) {
    for (const beta of [0, 0.5, 1]) {
      it(`matches the float64 reference at beta = ${beta}, T = ${T}`, () => {
        expectNoLeak(() => {
          const expected = reference(STUDENT, TEACHER, beta, T);
          expect(expected).toBeGreaterThan(0.01);
          expect(run(STUDENT, TEACHER, beta, T)).toBeCloseTo(expected, 5);
        });
      });
    }
  }

  it('matches the reference at an asymmetric beta = 0.3', () => {
    expectNoLeak(() => {
      expect(run(STUDENT, TEACHER, 0.3)).toBeCloseTo(reference(STUDENT, TEACHER, 0.3), 5);
    });
  });

  it('is 0 when student = teacher, for every beta', () => {
    expectNoLeak(() => {
      for (const beta of [0, 0.1, 0.5, 0.9, 1]) {
        expect(Math.abs(run(STUDENT, STUDENT, beta))).toBeLessThan(1e-6);
        expect(Math.abs(run(TEACHER, TEACHER, beta, 2))).toBeLessThan(1e-6);
      }
    });
  });

  it('is symmetric in student and teacher at beta = 0.5', () => {
    expectNoLeak(() => {
      for (const T of [1, 2]) {
        expect(run(STUDENT, TEACHER, 0.5, T)).toBeCloseTo(run(TEACHER, STUDENT, 0.5, T), 6);
      }
    });
  });

  it('swapping student and teacher turns beta = 0 into beta = 1', () => {
    expectNoLeak(() => {
      expect(run(STUDENT, TEACHER, 0)).toBeCloseTo(run(TEACHER, STUDENT, 1), 6);
    });
  });

  it('has gradient (softmax(student) − softmax(teacher)) / N in the student at beta = 0, T = 1', () => {
    expectNoLeak(() => {
      const N = STUDENT.length;
      const got = tf.tidy(() => {
        const teacher = tf.tensor2d(TEACHER);
        const g = tf.grad((s: tf.Tensor) => generalizedJsd(s as tf.Tensor2D, teacher, { beta: 0 }));
        return g(tf.tensor2d(STUDENT)).arraySync() as number[][];
      });
      for (let n = 0; n < N; n++) {
        const ps = probs(STUDENT[n]!, 1);
        const pt = probs(TEACHER[n]!, 1);
        for (let v = 0; v < ps.length; v++) expect(got[n]![v]!).toBeCloseTo((ps[v]! - pt[v]!) / N, 6);
      }
    });
  });

  it('sends no gradient into the teacher', () => {
    expectNoLeak(() => {
      tf.tidy(() => {
        const student = tf.tensor2d(STUDENT);
        const teacher = tf.tensor2d(TEACHER);
        const { grads } = valueAndGradients(
          () => generalizedJsd(student, teacher, { beta: 0.5 }),
          [student, teacher],
        );
        expect(grads[0]).not.toBeNull();
        // null: the teacher's log-softmax ran off the tape, so the loss does not depend on it.
        expect(grads[1]).toBeNull();
      });
    });
  });

  it('rejects bad shapes, dtypes, beta and temperature, naming the op', () => {
    expectNoLeak(() => {
      tf.tidy(() => {
        const s = tf.tensor2d(STUDENT);
        const t = tf.tensor2d(TEACHER);
        const call =
          (a: tf.Tensor, b: tf.Tensor, beta = 0.5, temperature?: number) =>
          () =>
            generalizedJsd(a as tf.Tensor2D, b as tf.Tensor2D, { beta, temperature });
        expect(call(s, tf.zeros([2, 4]))).toThrow(/generalizedJsd: teacherLogits must have shape \[2,3\]/);
        expect(call(s, tf.zeros([3, 3]))).toThrow(/generalizedJsd: teacherLogits must have shape/);
        expect(call(tf.zeros([6]), t)).toThrow(/generalizedJsd: studentLogits must be \[B, T\]/);
        expect(call(s, tf.zeros([2, 3], 'int32'))).toThrow(/generalizedJsd: teacherLogits must be float32/);
        expect(call(tf.zeros([0, 3]), tf.zeros([0, 3]))).toThrow(/generalizedJsd: needs at least one row/);
        expect(call(s, t, -0.1)).toThrow(/generalizedJsd: beta must be a number in \[0, 1\], got -0.1/);
        expect(call(s, t, 1.5)).toThrow(/generalizedJsd: beta must be a number in \[0, 1\]/);
        expect(call(s, t, NaN)).toThrow(/generalizedJsd: beta/);
        expect(call(s, t, 0.5, 0)).toThrow(/generalizedJsd: temperature must be a finite number > 0, got 0/);
        expect(call(s, t, 0.5, -1)).toThrow(/generalizedJsd: temperature/);
      });
    });
  });
});
