import { expectNoLeak, tf, valueAndGradients } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { rlooLoss, type RlooLossOptions } from './rloo-loss.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

interface Case {
  lp: number[][];
  old?: number[][];
  A: number[];
  M: number[][];
}

/** TRL's RLOO loss in float64: sums, ratio, clipped surrogate, mean over rows. */
function referenceLoss(c: Case, epsilon: number, epsilonHigh = epsilon): number {
  const losses = c.lp.map((row, b) => {
    const sum = (r: number[]) => r.reduce((s, v, t) => s + v * c.M[b]![t]!, 0);
    const ratio = Math.exp(sum(row) - (c.old ? sum(c.old[b]!) : sum(row)));
    const clipped = Math.min(Math.max(ratio, 1 - epsilon), 1 + epsilonHigh);
    return -Math.min(ratio * c.A[b]!, clipped * c.A[b]!);
  });
  return losses.reduce((s, v) => s + v, 0) / losses.length;
}

function referenceGrad(c: Case, epsilon: number, h = 1e-6): number[][] {
  return c.lp.map((row, b) =>
    row.map((_, t) => {
      const at = (d: number) => {
        const lp = c.lp.map((r) => r.slice());
        lp[b]![t]! += d;
        return referenceLoss({ ...c, lp }, epsilon);
      };
      return (at(h) - at(-h)) / (2 * h);
    }),
  );
}

function run(c: Case, options: RlooLossOptions = {}) {
  let out: { loss: number; grad: number[][]; items: number; metrics: Record<string, number> } | undefined;
  tf.tidy(() => {
    const logps = tf.tensor2d(c.lp);
    let items = 0;
    let metrics: Record<string, number> = {};
    const { value, grads } = valueAndGradients(() => {
      const r = rlooLoss(
        {
          logps,
          oldLogps: c.old ? tf.tensor2d(c.old) : null,
          advantages: tf.tensor1d(c.A),
          mask: tf.tensor2d(c.M),
        },
        options,
      );
      items = r.items;
      metrics = Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, v.dataSync()[0]!]));
      return r.loss;
    }, [logps]);
    out = { loss: value.dataSync()[0]!, grad: grads[0]!.arraySync() as number[][], items, metrics };
  });
  return out!;
}

function expectRows(got: number[][], want: number[][], digits = 5): void {
  want.forEach((row, b) => row.forEach((w, t) => expect(got[b]![t]).toBeCloseTo(w, digits)));
}

const LP = [
  [-0.5, -1.0, -7.0],
  [-0.2, -0.3, -0.1],
  [-2.0, -50, -60],
];
const M = [
  [1, 1, 0],
  [1, 1, 1],
  [1, 0, 0],
];

describe('rlooLoss', () => {
  it('with oldLogps null: loss −mean(A), gradient −A·M/B, items 1', () =>
    expectNoLeak(() => {
      const out = run({ lp: LP, A: [1.5, -0.5, 2], M });
      expect(out.loss).toBeCloseTo(-(1.5 - 0.5 + 2) / 3, 6);
      expect(out.items).toBe(1);
      expectRows(out.grad, [
        [-0.5, -0.5, 0],
        [1 / 6, 1 / 6, 1 / 6],
        [-2 / 3, 0, 0],
      ]);
      expect(out.metrics['clip_ratio/region_mean']).toBe(0);
    }));

  it('clips per sequence: hand values, no gradient through a clipped row, metrics over rows', () =>
    expectNoLeak(() => {
      // Summed log-ratios (masked): row 0 0.1 + 0.2 = 0.3 (ratio 1.35, A > 0: high clip);
      // row 1 −0.1·3 = −0.3 (0.74, A < 0: low clip); row 2 0.05 (1.05, inside); padding 5 ignored.
      const logRatio = [
        [0.1, 0.2, 5],
        [-0.1, -0.1, -0.1],
        [0.05, 5, 5],
      ];
      const c: Case = {
        lp: LP,
        old: LP.map((r, b) => r.map((v, t) => v - logRatio[b]![t]!)),
        A: [1, -2, 3],
        M,
      };
      const out = run(c);
      const r2 = Math.exp(0.05);
      expect(out.loss).toBeCloseTo((-1.2 + 2 * 0.8 - 3 * r2) / 3, 5);
      expectRows(out.grad, [
        [0, 0, 0],
        [0, 0, 0],
        [(-3 * r2) / 3, 0, 0],
      ]);
      expect(out.metrics['clip_ratio/low_mean']).toBeCloseTo(1 / 3, 6);
      expect(out.metrics['clip_ratio/high_mean']).toBeCloseTo(1 / 3, 6);
      expect(out.metrics['clip_ratio/region_mean']).toBeCloseTo(2 / 3, 6);
      expect(out.loss).toBeCloseTo(referenceLoss(c, 0.2), 5);
    }));

  it('matches the float64 reference and its finite differences where the min picks the ratio', () =>
    expectNoLeak(() => {
      const logRatio = [
        [-0.3, -0.2, 1],
        [0.2, 0.1, 0.2],
        [0.1, 0, 0],
      ];
      // Row 0: ratio 0.61 with A > 0 and row 1: 1.65 with A < 0 are past the bounds but unclipped.
      const c: Case = {
        lp: LP,
        old: LP.map((r, b) => r.map((v, t) => v - logRatio[b]![t]!)),
        A: [0.7, -1.1, 0.4],
        M,
      };
      const out = run(c, { epsilon: 0.15 });
      expect(out.loss).toBeCloseTo(referenceLoss(c, 0.15), 5);
      expectRows(out.grad, referenceGrad(c, 0.15));
      expect(out.metrics['clip_ratio/region_mean']).toBe(0);
    }));

  it('rejects bad shapes', () =>
    expectNoLeak(() =>
      tf.tidy(() => {
        const logps = tf.zeros([2, 3]) as tf.Tensor2D;
        const mask = tf.ones([2, 3]) as tf.Tensor2D;
        expect(() =>
          rlooLoss({ logps, mask, advantages: tf.zeros([2, 1]) as unknown as tf.Tensor1D }),
        ).toThrow('rlooLoss: advantages must have shape [2] (one per row of logps), got [2,1]');
        expect(() =>
          rlooLoss({
            logps,
            mask,
            advantages: tf.zeros([2]) as tf.Tensor1D,
            oldLogps: tf.zeros([3, 2]) as tf.Tensor2D,
          }),
        ).toThrow("rlooLoss: oldLogps must have shape [2,3] (logps's [B, T]), got [3,2]");
        expect(() =>
          rlooLoss({ logps, mask, advantages: tf.zeros([2]) as tf.Tensor1D }, { epsilon: NaN }),
        ).toThrow('rlooLoss: epsilon must be >= 0, got NaN');
      }),
    ));
});
