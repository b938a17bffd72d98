// GRPO's loss against hand-computed values, a naive float64 reference (loops over rows and tokens)
// and its finite differences.
import { expectNoLeak, tf, valueAndGradients } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { grpoTokenLoss, type GrpoLossType, type GrpoTokenLossOptions } from './grpo-token-loss.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

interface Case {
  lp: number[][];
  old?: number[][];
  ref?: number[][];
  A: number[];
  M: number[][];
}

interface RefOptions {
  epsilon: number;
  epsilonHigh: number;
  beta: number;
  lossType: GrpoLossType;
  maxLen: number;
  sequence: boolean;
}

const DEFAULTS: RefOptions = {
  epsilon: 0.2,
  epsilonHigh: 0.2,
  beta: 0,
  lossType: 'grpo',
  maxLen: 4,
  sequence: false,
};

/** TRL's loss written out per token in float64. */
function referenceLoss(c: Case, o: RefOptions): number {
  let total = 0;
  let tokens = 0;
  let rowMeans = 0;
  c.lp.forEach((row, b) => {
    const logRatio = row.map((v, t) => v - (c.old ? c.old[b]![t]! : v));
    let len = 0;
    let seq = 0;
    row.forEach((_, t) => {
      len += c.M[b]![t]!;
      seq += logRatio[t]! * c.M[b]![t]!;
    });
    seq /= Math.max(len, 1);
    let rowSum = 0;
    row.forEach((lp, t) => {
      const ratio = Math.exp(o.sequence ? seq : logRatio[t]!);
      const clipped = Math.min(Math.max(ratio, 1 - o.epsilon), 1 + o.epsilonHigh);
      let L = -Math.min(ratio * c.A[b]!, clipped * c.A[b]!);
      if (o.beta !== 0) {
        const d = c.ref![b]![t]! - lp;
        L += o.beta * (Math.exp(d) - d - 1);
      }
      rowSum += L * c.M[b]![t]!;
    });
    total += rowSum;
    tokens += len;
    rowMeans += rowSum / Math.max(len, 1);
  });
  const B = c.lp.length;
  switch (o.lossType) {
    case 'grpo':
      return rowMeans / B;
    case 'bnpo':
      return total / Math.max(tokens, 1);
    case 'dr_grpo':
      return total / (B * o.maxLen);
    case 'dapo':
      return total;
  }
}

/** Central differences of the reference in logps (old and ref held fixed). */
function referenceGrad(c: Case, o: RefOptions, h = 1e-6): number[][] {
  return c.lp.map((row, b) =>
    row.map((_, t) => {
      const at = (delta: number) => {
        const lp = c.lp.map((r) => r.slice());
        lp[b]![t]! += delta;
        return referenceLoss({ ...c, lp }, o);
      };
      return (at(h) - at(-h)) / (2 * h);
    }),
  );
}

interface Run {
  loss: number;
  grad: number[][];
  items: number;
  metrics: Record<string, number>;
}

/** The loss, its gradient in logps through core-tensor's backward, items and metrics read back. */
function run(c: Case, options: GrpoTokenLossOptions, maskSum?: number): Run {
  let out: Run | undefined;
  tf.tidy(() => {
    const logps = tf.tensor2d(c.lp);
    let items = 0;
    let metrics: Record<string, number> = {};
    const { value, grads } = valueAndGradients(() => {
      const r = grpoTokenLoss(
        {
          logps,
          oldLogps: c.old ? tf.tensor2d(c.old) : null,
          refLogps: c.ref ? tf.tensor2d(c.ref) : null,
          advantages: tf.tensor1d(c.A),
          mask: tf.tensor2d(c.M),
          maskSum,
        },
        options,
      );
      items = r.items;
      metrics = Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, v!.dataSync()[0]!]));
      return r.loss;
    }, [logps]);
    out = { loss: value.dataSync()[0]!, grad: grads[0]!.arraySync() as number[][], items, metrics };
  });
  return out!;
}

function expectRows(got: number[][], want: number[][], digits = 5): void {
  expect(got).toHaveLength(want.length);
  want.forEach((row, b) => row.forEach((w, t) => expect(got[b]![t]).toBeCloseTo(w, digits)));
}

// Row 0: three tokens, A = 2; row 1: one token, A = −1. Padding log-probs are arbitrary.
const ON_POLICY: Case = {
  lp: [
    [-0.7, -1.2, -0.4],
    [-2.0, -9.0, -30.0],
  ],
  A: [2, -1],
  M: [
    [1, 1, 1],
    [1, 0, 0],
  ],
};

describe('grpoTokenLoss with oldLogps null (ratio 1)', () => {
  // Every token's loss is −A: −2 on row 0, +1 on row 1.
  const cases: [GrpoLossType, number, number, number[][]][] = [
    // grpo: mean(−2, 1); gradient −A·M / (len·B).
    [
      'grpo',
      -0.5,
      1,
      [
        [-1 / 3, -1 / 3, -1 / 3],
        [0.5, 0, 0],
      ],
    ],
    // bnpo: (−6 + 1) / 4; gradient −A·M / 4.
    [
      'bnpo',
      -1.25,
      1,
      [
        [-0.5, -0.5, -0.5],
        [0.25, 0, 0],
      ],
    ],
    // dr_grpo, maxCompletionLength 4: −5 / (2·4); gradient −A·M / 8.
    [
      'dr_grpo',
      -0.625,
      1,
      [
        [-0.25, -0.25, -0.25],
        [0.125, 0, 0],
      ],
    ],
    // dapo: −5 over 4 tokens, the division left to the loop; gradient −A·M.
    [
      'dapo',
      -5,
      4,
      [
        [-2, -2, -2],
        [1, 0, 0],
      ],
    ],
  ];
  for (const [lossType, loss, items, grad] of cases) {
    it(`${lossType}: loss ${loss}, items ${items}, gradient −A·M/normaliser`, () =>
      expectNoLeak(() => {
        const out = run(ON_POLICY, { lossType, maxCompletionLength: 4 });
        expect(out.loss).toBeCloseTo(loss, 6);
        expect(out.items).toBe(items);
        expectRows(out.grad, grad, 6);
        expect(out.metrics).toEqual({
          'clip_ratio/low_mean': 0,
          'clip_ratio/high_mean': 0,
          'clip_ratio/region_mean': 0,
        });
      }));
  }

  it('takes the host maskSum for dapo instead of reading the mask', () =>
    expectNoLeak(() => {
      expect(run(ON_POLICY, { lossType: 'dapo' }, 7).items).toBe(7);
    }));

  it('defaults to dapo with ε 0.2', () =>
    expectNoLeak(() => {
      const out = run(ON_POLICY, {});
      expect(out.loss).toBeCloseTo(-5, 6);
      expect(out.items).toBe(4);
    }));
});

// Log-ratios lp − old chosen on both sides of the clip range [0.8, 1.2]:
//   row 0, A = 2:  0.5 (ratio 1.65, high-clipped), −0.5 (0.61: min picks the unclipped side), 0.1 (inside)
//   row 1, A = −1: −0.5 (0.61, low-clipped), 0.5 (1.65: min picks the unclipped side), padding.
const LOG_RATIO = [
  [0.5, -0.5, 0.1],
  [-0.5, 0.5, 3],
];
const OFF_POLICY: Case = {
  lp: ON_POLICY.lp,
  old: ON_POLICY.lp.map((row, b) => row.map((v, t) => v - LOG_RATIO[b]![t]!)),
  A: [2, -1],
  M: [
    [1, 1, 1],
    [1, 1, 0],
  ],
};

describe('grpoTokenLoss with oldLogps (clipping)', () => {
  it('matches the hand values: clipped tokens contribute a constant and no gradient', () =>
    expectNoLeak(() => {
      const out = run(OFF_POLICY, { lossType: 'grpo' });
      const e = Math.exp;
      // Token losses: −2·1.2, −2·e^−0.5, −2·e^0.1 | +0.8, +e^0.5.
      const row0 = (-2.4 - 2 * e(-0.5) - 2 * e(0.1)) / 3;
      const row1 = (0.8 + e(0.5)) / 2;
      expect(out.loss).toBeCloseTo((row0 + row1) / 2, 5);
      // Unclipped: ∂/∂lp (−ratio·A) = −A·ratio, over len·B.
      expectRows(out.grad, [
        [0, (-2 * e(-0.5)) / 6, (-2 * e(0.1)) / 6],
        [0, e(0.5) / 4, 0],
      ]);
      expect(Math.abs(out.grad[0]![0]!)).toBe(0);
      expect(Math.abs(out.grad[1]![0]!)).toBe(0);
      // One low and one high clip among five masked tokens.
      expect(out.metrics['clip_ratio/low_mean']).toBeCloseTo(0.2, 6);
      expect(out.metrics['clip_ratio/high_mean']).toBeCloseTo(0.2, 6);
      expect(out.metrics['clip_ratio/region_mean']).toBeCloseTo(0.4, 6);
    }));

  for (const lossType of ['grpo', 'bnpo', 'dr_grpo', 'dapo'] as const) {
    it(`${lossType} matches the float64 reference and its finite differences`, () =>
      expectNoLeak(() => {
        const o = { ...DEFAULTS, lossType };
        const out = run(OFF_POLICY, { lossType, maxCompletionLength: 4 });
        expect(out.loss).toBeCloseTo(referenceLoss(OFF_POLICY, o), 5);
        expectRows(out.grad, referenceGrad(OFF_POLICY, o));
      }));
  }

  it('epsilonHigh widens only the upper bound (DAPO clip-higher)', () =>
    expectNoLeak(() => {
      // Row 0's third token at log-ratio 0.2: ratio 1.221 is above 1.2 but below 1.28.
      const c: Case = {
        ...OFF_POLICY,
        old: OFF_POLICY.old!.map((r, b) => (b === 0 ? [r[0]!, r[1]!, -0.6] : r)),
      };
      const tight = run(c, { lossType: 'grpo', epsilon: 0.2 });
      const wide = run(c, { lossType: 'grpo', epsilon: 0.2, epsilonHigh: 0.28 });
      expect(Math.abs(tight.grad[0]![2]!)).toBe(0);
      expect(wide.grad[0]![2]).toBeCloseTo((-2 * Math.exp(0.2)) / 6, 5);
      expect(tight.metrics['clip_ratio/high_mean']).toBeCloseTo(0.4, 6);
      expect(wide.metrics['clip_ratio/high_mean']).toBeCloseTo(0.2, 6);
      expect(wide.metrics['clip_ratio/low_mean']).toBeCloseTo(0.2, 6);
      expect(wide.loss).toBeCloseTo(referenceLoss(c, { ...DEFAULTS, epsilonHigh: 0.28 }), 5);
    }));
});

describe('grpoTokenLoss with beta (k3 penalty)', () => {
  const REF = [
    [-1.0, -0.9, -0.4],
    [-1.5, -4.0, -1.0],
  ];

  it('adds β·k3 to every token, and β(1 − exp(ref − lp)) to its gradient', () =>
    expectNoLeak(() => {
      const beta = 0.3;
      const c: Case = { ...ON_POLICY, ref: REF };
      const out = run(c, { lossType: 'bnpo', beta });
      const k3 = (b: number, t: number) => {
        const d = REF[b]![t]! - ON_POLICY.lp[b]![t]!;
        return Math.exp(d) - d - 1;
      };
      // Masked tokens: three on row 0 (L = −2 + β·k3), one on row 1 (L = 1 + β·k3).
      const masked = [
        [0, 0],
        [0, 1],
        [0, 2],
        [1, 0],
      ];
      const klSum = masked.reduce((s, [b, t]) => s + k3(b!, t!), 0);
      expect(out.loss).toBeCloseTo((-6 + 1 + beta * klSum) / 4, 5);
      expect(out.metrics.kl).toBeCloseTo(klSum / 4, 5);
      const g = (b: number, t: number) =>
        (ON_POLICY.M[b]![t]! *
          (-ON_POLICY.A[b]! + beta * (1 - Math.exp(REF[b]![t]! - ON_POLICY.lp[b]![t]!)))) /
        4;
      expectRows(
        out.grad,
        ON_POLICY.lp.map((row, b) => row.map((_, t) => g(b, t))),
      );
    }));

  it('with oldLogps, matches the reference and its finite differences', () =>
    expectNoLeak(() => {
      const c: Case = { ...OFF_POLICY, ref: REF };
      const o = { ...DEFAULTS, beta: 0.05, lossType: 'dr_grpo' as const };
      const out = run(c, { beta: 0.05, lossType: 'dr_grpo', maxCompletionLength: 4 });
      expect(out.loss).toBeCloseTo(referenceLoss(c, o), 5);
      expectRows(out.grad, referenceGrad(c, o));
    }));

  it('leaves kl out of the metrics when beta is 0', () =>
    expectNoLeak(() => {
      expect(run({ ...ON_POLICY, ref: REF }, { lossType: 'grpo' }).metrics.kl).toBeUndefined();
    }));
});

describe('grpoTokenLoss at sequence level (GSPO)', () => {
  // Row means of the masked log-ratios: (0.6 + 0.3 + 0.3) / 3 = 0.4 → ratio 1.49, A = 2 > 0: clipped;
  // (−0.1 − 0.2) / 2 = −0.15 → ratio 0.861, inside. The padding's 9 must not count.
  const SEQ_RATIO = [
    [0.6, 0.3, 0.3],
    [-0.1, -0.2, 9],
  ];
  const c: Case = {
    ...OFF_POLICY,
    old: OFF_POLICY.lp.map((row, b) => row.map((v, t) => v - SEQ_RATIO[b]![t]!)),
  };

  it('shares one ratio per row: hand values, clipped row without gradient, metrics over rows', () =>
    expectNoLeak(() => {
      const out = run(c, { lossType: 'grpo', importanceSamplingLevel: 'sequence' });
      const r1 = Math.exp(-0.15);
      // Row 0: every token −1.2·2; row 1: every token +r1.
      expect(out.loss).toBeCloseTo((-2.4 + r1) / 2, 5);
      // Row 1: ∂/∂lp_t of r1 (per token, averaged over its 2 tokens, then over 2 rows) = r1·(1/2)/2.
      expectRows(out.grad, [
        [0, 0, 0],
        [r1 / 4, r1 / 4, 0],
      ]);
      expect(out.metrics['clip_ratio/high_mean']).toBeCloseTo(0.5, 6);
      expect(out.metrics['clip_ratio/low_mean']).toBe(0);
      expect(out.metrics['clip_ratio/region_mean']).toBeCloseTo(0.5, 6);
    }));

  for (const lossType of ['grpo', 'bnpo', 'dapo'] as const) {
    it(`${lossType} with beta matches the reference and its finite differences`, () =>
      expectNoLeak(() => {
        const withRef: Case = {
          ...c,
          ref: [
            [-1.0, -0.9, -0.4],
            [-1.5, -4.0, -1.0],
          ],
        };
        const o = { ...DEFAULTS, lossType, beta: 0.1, sequence: true, epsilon: 0.3, epsilonHigh: 0.3 };
        const out = run(withRef, { lossType, beta: 0.1, epsilon: 0.3, importanceSamplingLevel: 'sequence' });
        expect(out.loss).toBeCloseTo(referenceLoss(withRef, o), 5);
        expectRows(out.grad, referenceGrad(withRef, o));
      }));
  }

  it('with oldLogps null has the token-level value and gradient', () =>
    expectNoLeak(() => {
      const seq = run(ON_POLICY, { lossType: 'grpo', importanceSamplingLevel: 'sequence' });
      const token = run(ON_POLICY, { lossType: 'grpo' });
      expect(seq.loss).toBeCloseTo(token.loss, 6);
      expectRows(seq.grad, token.grad, 6);
    }));
});

describe('grpoTokenLoss bookkeeping', () => {
  it('leaves nothing behind but the loss and metrics it returns', () =>
    expectNoLeak(() => {
      const inputs = {
        logps: tf.tensor2d(OFF_POLICY.lp),
        oldLogps: tf.tensor2d(OFF_POLICY.old!),
        refLogps: tf.tensor2d(OFF_POLICY.lp),
        advantages: tf.tensor1d(OFF_POLICY.A),
        mask: tf.tensor2d(OFF_POLICY.M),
      };
      const before = tf.memory().numTensors;
      const out = grpoTokenLoss(inputs, { beta: 0.1, lossType: 'dapo' });
      expect(tf.memory().numTensors - before).toBe(5); // loss, kl and three clip metrics
      tf.dispose([out.loss, ...Object.values(out.metrics)]);
      tf.dispose(Object.values(inputs));
    }));

  it('rejects bad shapes, dtypes and options with the argument named', () =>
    expectNoLeak(() =>
      tf.tidy(() => {
        const ok = {
          logps: tf.zeros([2, 3]) as tf.Tensor2D,
          advantages: tf.zeros([2]) as tf.Tensor1D,
          mask: tf.ones([2, 3]) as tf.Tensor2D,
        };
        const call =
          (patch: object, options: GrpoTokenLossOptions = {}) =>
          () =>
            grpoTokenLoss({ ...ok, ...patch }, options);
        expect(call({ mask: tf.ones([2, 4]) })).toThrow(
          "grpoTokenLoss: mask must have shape [2,3] (logps's [B, T]), got [2,4]",
        );
        expect(call({ advantages: tf.zeros([3]) })).toThrow(
          'grpoTokenLoss: advantages must have shape [2] (one per row of logps), got [3]',
        );
        expect(call({ oldLogps: tf.zeros([2, 3], 'int32') })).toThrow(
          'grpoTokenLoss: oldLogps must be float32, got int32',
        );
        expect(call({ logps: tf.zeros([6]) })).toThrow('grpoTokenLoss: logps must be [B, T], got [6]');
        expect(call({}, { beta: 0.1 })).toThrow('grpoTokenLoss: beta = 0.1 needs refLogps');
        expect(call({}, { lossType: 'dr_grpo' })).toThrow(
          "grpoTokenLoss: lossType 'dr_grpo' needs maxCompletionLength, a positive integer; got NaN",
        );
        expect(call({}, { lossType: 'sapo' as GrpoLossType })).toThrow(
          "grpoTokenLoss: unknown lossType 'sapo'; valid: grpo, bnpo, dr_grpo, dapo",
        );
        expect(call({}, { importanceSamplingLevel: 'row' as 'token' })).toThrow(
          "grpoTokenLoss: unknown importanceSamplingLevel 'row'; valid: token, sequence",
        );
        expect(call({}, { epsilon: -0.1 })).toThrow('grpoTokenLoss: epsilon must be >= 0, got -0.1');
        expect(call({ maskSum: -1 })).toThrow('grpoTokenLoss: maskSum must be a count >= 0, got -1');
      }),
    ));
});
