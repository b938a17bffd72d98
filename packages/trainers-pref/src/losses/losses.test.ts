// Closed-form checks: every loss against the same formula written out in float64 JavaScript, on fixed
// log-probs chosen to cover both signs of the margin and unequal lengths.
import { expectNoLeak, tf, valueAndGradients } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpoLoss, CPO_LOSS_TYPES, cpoUsesMeanLogps } from './cpo-loss.js';
import { dpoLoss, DPO_LOSS_TYPES, dpoRewards, type DpoLossType } from './dpo-loss.js';
import { ktoKl, ktoLoss } from './kto-loss.js';
import { log1mexp } from './log1mexp.js';
import { oddsRatio } from './orpo-loss.js';
import { rewardLoss } from './reward-loss.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const sig = (x: number) => 1 / (1 + Math.exp(-x));
const ls = (x: number) => Math.log(sig(x));

// Four pairs: summed log-probs of policy and reference, and completion lengths.
const P = {
  chosen: [-12.5, -30.25, -4.0, -55.0],
  rejected: [-14.0, -22.5, -9.5, -54.0],
  refChosen: [-13.0, -29.0, -6.0, -50.0],
  refRejected: [-13.5, -24.0, -7.25, -56.5],
  chosenTokens: [5, 12, 2, 20],
  rejectedTokens: [6, 9, 4, 19],
};

function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

function expectClose(got: tf.Tensor, want: number[], digits = 5): void {
  const g = values(got);
  expect(g).toHaveLength(want.length);
  g.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, digits));
}

/** The DPO formulas in float64, per pair. */
function dpoExpected(type: DpoLossType, beta: number, eps: number): number[] {
  return P.chosen.map((_, i) => {
    const cr = P.chosen[i]! - P.refChosen[i]!;
    const rr = P.rejected[i]! - P.refRejected[i]!;
    const d = cr - rr;
    const z = beta * d;
    const c = P.chosenTokens[i]!;
    const r = P.rejectedTokens[i]!;
    switch (type) {
      case 'sigmoid':
        return -(1 - eps) * ls(z) - eps * ls(-z);
      case 'hinge':
        return Math.max(0, 1 - z);
      case 'ipo':
        return (cr / c - rr / r - 1 / (2 * beta)) ** 2;
      case 'robust':
        return (-(1 - eps) * ls(z) + eps * ls(-z)) / (1 - 2 * eps);
      case 'exo_pair': {
        const e = Math.max(eps, 1e-3);
        return sig(z) * (ls(z) - Math.log(1 - e)) + sig(-z) * (ls(-z) - Math.log(e));
      }
      case 'nca_pair':
        return -ls(beta * cr) - 0.5 * ls(-beta * cr) - 0.5 * ls(-beta * rr);
      case 'sppo_hard':
        return (cr - 0.5 / beta) ** 2 + (rr + 0.5 / beta) ** 2;
      case 'apo_zero':
        return 1 - sig(beta * cr) + sig(beta * rr);
      case 'apo_down':
        return sig(beta * cr) + 1 - sig(z);
      case 'discopop': {
        const m = sig(z / 0.05);
        return -ls(z) * (1 - m) + Math.exp(-z) * m;
      }
      case 'sigmoid_norm':
        return -ls(beta * (cr / c - rr / r));
      case 'sft':
        return -P.chosen[i]! / c;
    }
  });
}

function dpoInputs() {
  return {
    chosen: tf.tensor1d(P.chosen),
    rejected: tf.tensor1d(P.rejected),
    refChosen: tf.tensor1d(P.refChosen),
    refRejected: tf.tensor1d(P.refRejected),
    chosenTokens: tf.tensor1d(P.chosenTokens),
    rejectedTokens: tf.tensor1d(P.rejectedTokens),
  };
}

describe('dpoLoss', () => {
  for (const type of DPO_LOSS_TYPES) {
    it(`${type} equals its formula (β 0.1 and 0.5, ε 0 and 0.1)`, () => {
      expectNoLeak(() =>
        tf.tidy(() => {
          for (const [beta, eps] of [
            [0.1, 0],
            [0.5, 0.1],
          ] as const) {
            expectClose(
              dpoLoss(type, dpoInputs(), { beta, labelSmoothing: eps }),
              dpoExpected(type, beta, eps),
            );
          }
        }),
      );
    });
  }

  it('sigmoid at Δ = 0 is log 2, and its gradient pushes chosen up and rejected down', () => {
    tf.tidy(() => {
      const zero = tf.zeros([1]) as tf.Tensor1D;
      const one = tf.ones([1]) as tf.Tensor1D;
      const x = {
        chosen: zero,
        rejected: zero,
        refChosen: zero,
        refRejected: zero,
        chosenTokens: one,
        rejectedTokens: one,
      };
      expectClose(dpoLoss('sigmoid', x, { beta: 0.1 }), [Math.log(2)]);
      const chosen = tf.tensor1d([-3]);
      const rejected = tf.tensor1d([-3]);
      const { grads } = valueAndGradients(
        () => tf.sum(dpoLoss('sigmoid', { ...x, chosen, rejected }, { beta: 0.1 })),
        [chosen, rejected],
      );
      expect(grads[0]!.dataSync()[0]).toBeCloseTo(-0.05, 6); // -β·σ(-0) = -0.05
      expect(grads[1]!.dataSync()[0]).toBeCloseTo(0.05, 6);
    });
  });

  it('rewards are β times the log-ratios', () => {
    tf.tidy(() => {
      const r = dpoRewards(dpoInputs(), 0.1);
      expectClose(
        r.chosen,
        P.chosen.map((c, i) => 0.1 * (c - P.refChosen[i]!)),
      );
      expectClose(
        r.rejected,
        P.rejected.map((c, i) => 0.1 * (c - P.refRejected[i]!)),
      );
    });
  });

  it('an unknown loss type names the valid ones', () => {
    expect(() => dpoLoss('orpo' as DpoLossType, dpoInputs(), { beta: 0.1 })).toThrow(
      /unknown DPO loss_type 'orpo'; valid: sigmoid, hinge/,
    );
  });
});

describe('log1mexp', () => {
  it('equals log(1 - e^x) on both branches, with finite gradients -e^x / (1 - e^x)', () => {
    const xs = [-30, -5, -1, -Math.log(2) - 1e-3, -Math.log(2) + 1e-3, -0.1, -1e-4];
    tf.tidy(() => {
      const x = tf.tensor1d(xs);
      expectClose(
        log1mexp(x),
        xs.map((v) => Math.log(-Math.expm1(v))),
        4,
      );
      const { grads } = valueAndGradients(() => tf.sum(log1mexp(x)), [x]);
      const g = values(grads[0]!);
      g.forEach((v, i) => {
        expect(Number.isFinite(v)).toBe(true);
        const e = Math.exp(xs[i]!);
        expect(v).toBeCloseTo(-e / (1 - e), xs[i]! > -1e-3 ? 0 : 3);
      });
    });
  });
});

describe('oddsRatio (ORPO)', () => {
  it('log-odds, logσ and -λ·logσ per pair', () => {
    const c = [-0.8, -2.0, -0.05];
    const r = [-1.1, -1.5, -0.3];
    const l1m = (x: number) => Math.log(-Math.expm1(x));
    tf.tidy(() => {
      const out = oddsRatio(tf.tensor1d(c), tf.tensor1d(r), 0.25);
      const logOdds = c.map((ci, i) => ci - r[i]! - (l1m(ci) - l1m(r[i]!)));
      expectClose(out.logOdds, logOdds);
      expectClose(out.logSigmoidOdds, logOdds.map(ls));
      expectClose(
        out.losses,
        logOdds.map((z) => -0.25 * ls(z)),
      );
    });
  });
});

describe('cpoLoss (CPO / SimPO)', () => {
  const c = [-1.2, -0.4, -2.5];
  const r = [-1.0, -1.4, -2.0];
  const formula = (type: string, beta: number, eps: number, gamma: number) =>
    c.map((ci, i) => {
      const d = ci - r[i]!;
      if (type === 'hinge') return Math.max(0, 1 - beta * d);
      if (type === 'ipo') return (d - 1 / (2 * beta)) ** 2;
      const logits = type === 'simpo' ? d - gamma / beta : d;
      return -(1 - eps) * ls(beta * logits) - eps * ls(-beta * logits);
    });
  for (const type of CPO_LOSS_TYPES) {
    it(`${type} equals its formula`, () => {
      tf.tidy(() => {
        for (const [beta, eps, gamma] of [
          [0.1, 0, 0.5],
          [2, 0.2, 1.2],
        ] as const) {
          const got = cpoLoss(type, tf.tensor1d(c), tf.tensor1d(r), {
            beta,
            labelSmoothing: eps,
            simpoGamma: gamma,
          });
          expectClose(got, formula(type, beta, eps, gamma));
        }
      });
    });
  }

  it('SimPO at ε 0 is -logσ(βd - γ); ipo and simpo score mean log-probs', () => {
    tf.tidy(() => {
      const got = cpoLoss('simpo', tf.tensor1d(c), tf.tensor1d(r), { beta: 2, simpoGamma: 1 });
      expectClose(
        got,
        c.map((ci, i) => -ls(2 * (ci - r[i]!) - 1)),
      );
    });
    expect(CPO_LOSS_TYPES.filter(cpoUsesMeanLogps)).toEqual(['ipo', 'simpo']);
  });
});

describe('ktoLoss', () => {
  it('the KL reference point is the clamped mean mismatch log-ratio; losses per label', () => {
    tf.tidy(() => {
      const kl = ktoKl(tf.tensor1d([-3, -1, -2]), tf.tensor1d([-2.5, -1.5, -1.25]));
      // The mean mismatch log-ratio is (-0.5 + 0.5 - 0.75) / 3 < 0: clamped to 0.
      expect(kl.dataSync()[0]).toBe(0);
      const positive = ktoKl(tf.tensor1d([-1, -1]), tf.tensor1d([-2, -1.5]));
      expect(positive.dataSync()[0]).toBeCloseTo(0.75, 6);
      const lr = [0.8, -0.4, 1.5, -2.0];
      const labels = [true, false, false, true];
      const got = ktoLoss(tf.tensor1d(lr), labels, positive, {
        beta: 0.5,
        desirableWeight: 1.5,
        undesirableWeight: 0.7,
      });
      expectClose(
        got,
        lr.map((v, i) => (labels[i] ? 1.5 * (1 - sig(0.5 * (v - 0.75))) : 0.7 * (1 - sig(0.5 * (0.75 - v))))),
      );
    });
  });

  it('the KL term carries no gradient', () => {
    tf.tidy(() => {
      const p = tf.tensor1d([-1, -1]);
      const { grads } = valueAndGradients(() => ktoKl(p, tf.tensor1d([-2, -2])), [p]);
      expect(grads[0]).toBeNull();
    });
  });
});

describe('rewardLoss', () => {
  it('-logσ(r_c - r_r - margin) + c·(r_c + r_r)²', () => {
    const rc = [1.5, -0.2, 0.3];
    const rr = [0.5, 0.4, 0.3];
    const m = [0, 1, 0.5];
    tf.tidy(() => {
      expectClose(
        rewardLoss(tf.tensor1d(rc), tf.tensor1d(rr)),
        rc.map((c, i) => -ls(c - rr[i]!)),
      );
      const got = rewardLoss(tf.tensor1d(rc), tf.tensor1d(rr), {
        margin: tf.tensor1d(m),
        centerRewardsCoefficient: 0.01,
      });
      expectClose(
        got,
        rc.map((c, i) => -ls(c - rr[i]! - m[i]!) + 0.01 * (c + rr[i]!) ** 2),
      );
    });
  });
});
