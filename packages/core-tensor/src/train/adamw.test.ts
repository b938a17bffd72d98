import { beforeAll, describe, expect, it } from 'vitest';
import { closeness, expectNoLeak, tf } from '../index.js';
import { AdamW } from './adamw.js';
import { loadFixture, makeVariables, replay, type TorchOptimizerCase } from './optimizer-test-utils.js';

interface AdamWHparams {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
}
const { cases } = loadFixture<{ cases: TorchOptimizerCase<AdamWHparams>[] }>('torch-adamw.json');
const options = (h: AdamWHparams) => ({ lr: h.lr, betas: h.betas, eps: h.eps, weightDecay: h.weight_decay });

describe('AdamW', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(cases.map((c, i) => [i, c] as const))(
    'matches torch.optim.AdamW over 10 steps (case %i)',
    (_i, c) => {
      const vars = makeVariables(c.shapes, c.params0);
      const opt = new AdamW(vars, options(c.hparams));
      expect(replay(opt, vars, c)).toBeLessThanOrEqual(1);
      expect(opt.stepCount).toBe(10);
      opt.dispose();
      tf.dispose(vars);
    },
  );

  it('runs on wasm too', async () => {
    await tf.setBackend('wasm');
    const c = cases[1]!;
    const vars = makeVariables(c.shapes, c.params0);
    const opt = new AdamW(vars, options(c.hparams));
    expect(replay(opt, vars, c)).toBeLessThanOrEqual(1);
    opt.dispose();
    tf.dispose(vars);
    await tf.setBackend('cpu');
  });

  it('one kernel per parameter, no scalar uploads, no leaks once state exists', () => {
    const c = cases[0]!;
    const vars = makeVariables(c.shapes, c.params0);
    const opt = new AdamW(vars, options(c.hparams));
    replay(opt, vars, c, 0, 1);
    const grads = Object.fromEntries(vars.map((v, i) => [v.name, tf.tensor(c.grads[1]![i]!, v.shape)]));
    const backend = tf.backend() as unknown as { write: (...a: unknown[]) => unknown };
    const write = backend.write;
    let writes = 0;
    backend.write = (...a: unknown[]) => {
      writes++;
      return write.apply(backend, a);
    };
    try {
      expectNoLeak(() => opt.step(grads), { label: 'AdamW.step' });
    } finally {
      backend.write = write;
    }
    // Only the kernel outputs (param, m, v) per parameter.
    expect(writes).toBe(3 * vars.length);
    tf.dispose(Object.values(grads));
    opt.dispose();
    tf.dispose(vars);
  });

  it('stateDict/loadStateDict resumes exactly where torch went on', () => {
    const c = cases[0]!;
    const vars = makeVariables(c.shapes, c.params0);
    const first = new AdamW(vars, options(c.hparams));
    replay(first, vars, c, 0, 5);
    const saved = first.stateDict();
    expect(Object.keys(saved.params[vars[0]!.name]!.slots).sort()).toEqual(['exp_avg', 'exp_avg_sq']);
    expect(saved.params[vars[0]!.name]!.step).toBe(5);
    first.dispose();
    // A new optimizer over new variables holding the step-5 parameters.
    const resumedVars = makeVariables(c.shapes, c.params[4]!);
    const renamed = {
      ...saved,
      params: Object.fromEntries(Object.values(saved.params).map((p, i) => [resumedVars[i]!.name, p])),
    };
    const second = new AdamW(resumedVars, { ...options(c.hparams), lr: 123 });
    second.loadStateDict(renamed);
    expect(second.lr).toBe(c.hparams.lr);
    expect(second.stepCount).toBe(5);
    tf.dispose(Object.values(saved.params).flatMap((p) => Object.values(p.slots)));
    expect(replay(second, resumedVars, c, 5, 10)).toBeLessThanOrEqual(1);
    second.dispose();
    tf.dispose([...vars, ...resumedVars]);
  });

  it('puts eps outside the square root (closed form of the first step, where eps matters)', () => {
    // Step 1 from zero state: m_hat = g and v_hat = g^2, so the update is lr * g / (|g| + eps).
    const [lr, eps, wd] = [0.1, 1e-8, 0.01];
    const g = [1e-8, -3e-8, 2e-9, 0.5];
    const p0 = [1, 2, -1, 0.25];
    const [v] = makeVariables([[4]], [p0]);
    const opt = new AdamW([v!], { lr, eps, weightDecay: wd });
    const grad = tf.tensor1d(g);
    opt.step({ [v!.name]: grad });
    const want = p0.map((p, i) => p * (1 - lr * wd) - (lr * g[i]!) / (Math.abs(g[i]!) + eps));
    expect(closeness(v!.dataSync(), want, 1e-7, 1e-6)).toBeLessThanOrEqual(1);
    tf.dispose([grad, v!]);
    opt.dispose();
  });

  it('param groups: weight decay per group, lr changes between steps', () => {
    // Two identical parameters, one decayed: after one step with grad 0 the Adam term is 0
    // (m = 0), so only the decoupled decay moves the decayed one.
    const [a, b] = makeVariables(
      [[2], [2]],
      [
        [1, -2],
        [1, -2],
      ],
    );
    const opt = new AdamW(
      [
        { params: [a!], weightDecay: 0.5 },
        { params: [b!], weightDecay: 0 },
      ],
      { lr: 0.1 },
    );
    const zeros = { [a!.name]: tf.zeros([2]), [b!.name]: tf.zeros([2]) };
    opt.step(zeros);
    expect(Array.from(a!.dataSync())).toEqual(
      Array.from(Float32Array.from([1, -2], (x) => x * (1 - 0.1 * 0.5))),
    );
    expect(Array.from(b!.dataSync())).toEqual([1, -2]);
    opt.setLearningRate(0.2);
    opt.step(zeros);
    expect(a!.dataSync()[0]).toBeCloseTo(0.95 * 0.9, 6);
    tf.dispose([...Object.values(zeros), a!, b!]);
    opt.dispose();
  });

  it('rejects bad options, foreign or misshapen gradients and mismatched state, naming them', () => {
    const [v] = makeVariables([[3]], [[1, 2, 3]]);
    expect(() => new AdamW([v!], { betas: [0.9, 1] })).toThrow(
      /AdamW: option 'betas\[1\]' is 1; expected a number in \[0, 1\)/,
    );
    expect(() => new AdamW([v!], { lr: -1 })).toThrow(/option 'lr' is -1/);
    expect(() => new AdamW([v!], { weightDecay: -0.1 })).toThrow(/option 'weightDecay' is -0.1/);
    const opt = new AdamW([v!]);
    const foreign = tf.zeros([3]);
    expect(() => opt.step({ nope: foreign })).toThrow(
      /gradient for 'nope', which is not one of this optimizer's 1 parameters/,
    );
    const bad = tf.zeros([4]);
    expect(() => opt.step({ [v!.name]: bad })).toThrow(
      /gradient of '.*' is float32\[4\]; expected float32\[3\]/,
    );
    expect(() => opt.loadStateDict({ optimizer: 'SGD', stepCount: 0, lr: 1, params: {} })).toThrow(
      /saved by 'SGD'; expected 'AdamW'/,
    );
    expect(() =>
      opt.loadStateDict({
        optimizer: 'AdamW',
        stepCount: 1,
        lr: 1,
        params: { [v!.name]: { step: 1, slots: { exp_avg: bad } } },
      }),
    ).toThrow(/has slots \[exp_avg\]; expected \[exp_avg, exp_avg_sq\]/);
    tf.dispose([foreign, bad, v!]);
  });
});
