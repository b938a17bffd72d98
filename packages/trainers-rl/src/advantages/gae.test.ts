import { describe, expect, it } from 'vitest';
import { gae } from './gae.js';

function expectRows(got: Float64Array[], want: number[][]): void {
  expect(got).toHaveLength(want.length);
  want.forEach((row, b) => {
    expect(got[b]).toHaveLength(row.length);
    row.forEach((w, t) => expect(got[b]![t]).toBeCloseTo(w, 12));
  });
}

describe('gae', () => {
  it('unrolls by hand over three steps (γ 0.9, λ 0.8), padding ignored', () => {
    const out = gae(
      [
        [0, 0, 1, 5],
        [0.5, -1, 8, 8],
      ],
      [
        [0.5, 0.6, 0.7, 9],
        [0.2, 0.1, 3, 3],
      ],
      [
        [1, 1, 1, 0],
        [1, 1, 0, 0],
      ],
      { gamma: 0.9, lam: 0.8 },
    );
    // Row 0: δ2 = 1 − 0.7 = 0.3; δ1 = 0.9·0.7 − 0.6 = 0.03; δ0 = 0.9·0.6 − 0.5 = 0.04; γλ = 0.72.
    //   A2 = 0.3, A1 = 0.03 + 0.72·0.3 = 0.246, A0 = 0.04 + 0.72·0.246 = 0.21712.
    // Row 1: δ1 = −1 − 0.1 = −1.1; δ0 = 0.5 + 0.9·0.1 − 0.2 = 0.39; A0 = 0.39 − 0.72·1.1 = −0.402.
    expectRows(out.advantages, [
      [0.21712, 0.246, 0.3, 0],
      [-0.402, -1.1, 0, 0],
    ]);
    expectRows(out.returns, [
      [0.71712, 0.846, 1, 0],
      [-0.202, -1, 0, 0],
    ]);
  });

  it('with γ = λ = 1 the returns are the rewards to go', () => {
    const r = [0.5, -2, 1.25, 3];
    const out = gae([r], [[4, -1, 0.5, 2]], [[1, 1, 1, 1]], { gamma: 1, lam: 1 });
    expectRows(out.returns, [[2.75, 2.25, 4.25, 3]]);
  });

  it('equals the closed form A_t = Σ_l (γλ)^l δ_{t+l}', () => {
    const gamma = 0.97;
    const lam = 0.9;
    const rewards = [[0.3, -0.2, 0.1, 1.5, 0.4, -0.7]];
    const values = [[0.1, 0.5, -0.3, 0.8, 0.2, 0.6]];
    const mask = [[1, 1, 1, 1, 1, 0]];
    const T = 5; // tokens under the mask
    const v = (t: number) => (t < T ? values[0]![t]! : 0);
    const delta = (t: number) => rewards[0]![t]! + gamma * v(t + 1) - v(t);
    const want = [0, 1, 2, 3, 4].map((t) => {
      let sum = 0;
      for (let l = 0; t + l < T; l++) sum += (gamma * lam) ** l * delta(t + l);
      return sum;
    });
    const out = gae(rewards, values, mask, { gamma, lam });
    expectRows(out.advantages, [[...want, 0]]);
    expectRows(out.returns, [[...want.map((a, t) => a + v(t)), 0]]);
  });

  it('rejects rows that do not line up and non-finite coefficients', () => {
    expect(() => gae([[1, 2]], [[1]], [[1, 1]], { gamma: 1, lam: 1 })).toThrow(
      'gae: row 0 of values has 1 entries, of rewards 2',
    );
    expect(() => gae([[1]], [[1]], [], { gamma: 1, lam: 1 })).toThrow('gae: mask has 0 rows, rewards has 1');
    expect(() => gae([[1]], [[1]], [[1]], { gamma: NaN, lam: 1 })).toThrow(
      'gae: gamma and lam must be finite, got NaN and 1',
    );
  });
});
