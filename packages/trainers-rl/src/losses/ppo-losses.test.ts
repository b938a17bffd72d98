import { expectNoLeak, tf, valueAndGradients } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { ppoPolicyLoss, ppoValueLoss } from './ppo-losses.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const M = [
  [1, 1, 1],
  [1, 1, 0],
];

/** Masked mean in float64 over a [B][T] function of the position. */
function maskedMean(f: (b: number, t: number) => number): number {
  let sum = 0;
  let n = 0;
  M.forEach((row, b) =>
    row.forEach((m, t) => {
      if (m) sum += f(b, t);
      n += m;
    }),
  );
  return sum / n;
}

/** Central differences of a float64 loss of one [B][T] argument. */
function numericGrad(loss: (x: number[][]) => number, x: number[][], h = 1e-6): number[][] {
  return x.map((row, b) =>
    row.map((_, t) => {
      const at = (d: number) => loss(x.map((r, i) => r.map((v, j) => (i === b && j === t ? v + d : v))));
      return (at(h) - at(-h)) / (2 * h);
    }),
  );
}

function expectRows(got: number[][], want: number[][], digits = 5): void {
  want.forEach((row, b) => row.forEach((w, t) => expect(got[b]![t]).toBeCloseTo(w, digits)));
}

// lp − old per token; the padding's 2 must not count.
const LOG_RATIO = [
  [0.5, -0.5, 0.1],
  [-0.5, 0.5, 2],
];
const LP = [
  [-1.0, -0.8, -2.2],
  [-0.4, -1.7, -3.0],
];
const OLD = LP.map((r, b) => r.map((v, t) => v - LOG_RATIO[b]![t]!));
const ADV = [
  [1, 2, -1],
  [-1, -0.5, 3],
];

function policyReference(lp: number[][], c = 0.2): number {
  return maskedMean((b, t) => {
    const rho = Math.exp(lp[b]![t]! - OLD[b]![t]!);
    const a = ADV[b]![t]!;
    return Math.max(-a * rho, -a * Math.min(Math.max(rho, 1 - c), 1 + c));
  });
}

function runPolicy(clipRange?: number) {
  let out: { loss: number; grad: number[][]; metrics: Record<string, number>; items: number } | undefined;
  tf.tidy(() => {
    const logps = tf.tensor2d(LP);
    let metrics: Record<string, number> = {};
    let items = 0;
    const { value, grads } = valueAndGradients(() => {
      const r = ppoPolicyLoss(
        { logps, oldLogps: tf.tensor2d(OLD), advantages: tf.tensor2d(ADV), mask: tf.tensor2d(M) },
        clipRange === undefined ? {} : { clipRange },
      );
      metrics = Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, v.dataSync()[0]!]));
      items = r.items;
      return r.loss;
    }, [logps]);
    out = { loss: value.dataSync()[0]!, grad: grads[0]!.arraySync() as number[][], metrics, items };
  });
  return out!;
}

describe('ppoPolicyLoss', () => {
  it('matches the hand values: the larger side per token, clipped tokens without gradient', () =>
    expectNoLeak(() => {
      const e = Math.exp;
      // (0,0) ρ 1.65, A 1: max(−1.65, −1.2) = −1.2, clipped.  (0,1) ρ 0.61, A 2: −2e^−0.5, unclipped.
      // (0,2) ρ 1.11 inside, A −1: e^0.1.  (1,0) ρ 0.61, A −1: max(e^−0.5, 0.8) = 0.8, clipped.
      // (1,1) ρ 1.65, A −0.5: max(0.5e^0.5, 0.6) = 0.5e^0.5, unclipped.
      const out = runPolicy();
      expect(out.loss).toBeCloseTo((-1.2 - 2 * e(-0.5) + e(0.1) + 0.8 + 0.5 * e(0.5)) / 5, 5);
      expect(out.items).toBe(1);
      // Unclipped: ∂(−A·ρ)/∂lp = −A·ρ, over the 5 tokens.
      expectRows(out.grad, [
        [0, (-2 * e(-0.5)) / 5, e(0.1) / 5],
        [0, (0.5 * e(0.5)) / 5, 0],
      ]);
      expect(Math.abs(out.grad[0]![0]!)).toBe(0);
      expect(Math.abs(out.grad[1]![0]!)).toBe(0);
      expect(out.metrics['policy/clipfrac']).toBeCloseTo(2 / 5, 6);
      // ½ · (0.25 + 0.25 + 0.01 + 0.25 + 0.25) / 5: the padding's log-ratio 2 is left out.
      expect(out.metrics['policy/approxkl']).toBeCloseTo(0.101, 6);
    }));

  it('matches the float64 reference and its finite differences (clip 0.2 and 0.6)', () =>
    expectNoLeak(() => {
      for (const c of [0.2, 0.6]) {
        const out = runPolicy(c);
        expect(out.loss).toBeCloseTo(policyReference(LP, c), 5);
        expectRows(
          out.grad,
          numericGrad((lp) => policyReference(lp, c), LP),
        );
      }
      // At 0.6 only (0,0)'s ratio 1.65 is past the bound, and its A > 0 makes the clipped side larger.
      expect(runPolicy(0.6).metrics['policy/clipfrac']).toBeCloseTo(1 / 5, 6);
    }));
});

// (0,0) V moved 0.5 past its clip [0.3, 0.7], but the unclipped error is the larger;
// (1,0) V outside [−0.7, −0.3] with the clipped error larger: counted, no gradient; the rest inside.
const V = [
  [1.0, 0.5, 2.0],
  [0.0, -1.0, 9.0],
];
const V_OLD = [
  [0.5, 0.45, 2.1],
  [-0.5, -1.0, 0.0],
];
const RETURNS = [
  [0.8, 1.0, 1.0],
  [1.0, -2.0, 0.0],
];

function valueReference(v: number[][], c = 0.2): number {
  return (
    0.5 *
    maskedMean((b, t) => {
      const clipped = Math.min(Math.max(v[b]![t]!, V_OLD[b]![t]! - c), V_OLD[b]![t]! + c);
      return Math.max((v[b]![t]! - RETURNS[b]![t]!) ** 2, (clipped - RETURNS[b]![t]!) ** 2);
    })
  );
}

function runValue(clipRangeValue?: number) {
  let out: { loss: number; grad: number[][]; metrics: Record<string, number> } | undefined;
  tf.tidy(() => {
    const values = tf.tensor2d(V);
    let metrics: Record<string, number> = {};
    const { value, grads } = valueAndGradients(() => {
      const r = ppoValueLoss(
        { values, oldValues: tf.tensor2d(V_OLD), returns: tf.tensor2d(RETURNS), mask: tf.tensor2d(M) },
        clipRangeValue === undefined ? {} : { clipRangeValue },
      );
      metrics = Object.fromEntries(Object.entries(r.metrics).map(([k, x]) => [k, x.dataSync()[0]!]));
      return r.loss;
    }, [values]);
    out = { loss: value.dataSync()[0]!, grad: grads[0]!.arraySync() as number[][], metrics };
  });
  return out!;
}

describe('ppoValueLoss', () => {
  it('matches the hand values', () =>
    expectNoLeak(() => {
      // Errors: max(0.04, 0.01), 0.25, 1 | max(1, 1.69), 1.
      const out = runValue();
      expect(out.loss).toBeCloseTo((0.5 * (0.04 + 0.25 + 1 + 1.69 + 1)) / 5, 6);
      // ½ · 2(V − R) / 5 where the unclipped error counts, 0 where the clipped one does.
      expectRows(out.grad, [
        [0.04, -0.1, 0.2],
        [0, 0.2, 0],
      ]);
      expect(Math.abs(out.grad[1]![0]!)).toBe(0);
      expect(out.metrics['val/clipfrac']).toBeCloseTo(1 / 5, 6);
    }));

  it('matches the float64 reference and its finite differences (clip 0.2 and 0.08)', () =>
    expectNoLeak(() => {
      for (const c of [0.2, 0.08]) {
        const out = runValue(c);
        expect(out.loss).toBeCloseTo(valueReference(V, c), 5);
        expectRows(
          out.grad,
          numericGrad((v) => valueReference(v, c), V),
        );
      }
    }));
});

describe('PPO losses: arguments', () => {
  it('reject bad shapes and ranges, and are NaN on an empty mask as TRL', () =>
    expectNoLeak(() =>
      tf.tidy(() => {
        const x = tf.zeros([2, 3]) as tf.Tensor2D;
        const empty = tf.zeros([2, 3]) as tf.Tensor2D;
        expect(() =>
          ppoPolicyLoss({
            logps: x,
            oldLogps: x,
            advantages: tf.zeros([2]) as unknown as tf.Tensor2D,
            mask: x,
          }),
        ).toThrow("ppoPolicyLoss: advantages must have shape [2,3] (logps's [B, T]), got [2]");
        expect(() =>
          ppoPolicyLoss({ logps: x, oldLogps: x, advantages: x, mask: x }, { clipRange: -1 }),
        ).toThrow('ppoPolicyLoss: clipRange must be >= 0, got -1');
        expect(() =>
          ppoValueLoss({
            values: x,
            oldValues: x,
            returns: tf.zeros([2, 3], 'int32') as tf.Tensor2D,
            mask: x,
          }),
        ).toThrow('ppoValueLoss: returns must be float32, got int32');
        const { loss, metrics } = ppoValueLoss({ values: x, oldValues: x, returns: x, mask: empty });
        expect(loss.dataSync()[0]).toBeNaN();
        expect(metrics['val/clipfrac'].dataSync()[0]).toBeNaN();
      }),
    ));
});
