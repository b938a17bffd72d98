import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak, tf } from '../index.js';
import { SGD } from './sgd.js';
import { loadFixture, makeVariables, replay, type TorchOptimizerCase } from './optimizer-test-utils.js';

interface SgdHparams {
  lr: number;
  momentum: number;
  dampening: number;
  weight_decay: number;
  nesterov: boolean;
}
const { cases } = loadFixture<{ cases: TorchOptimizerCase<SgdHparams>[] }>('torch-sgd.json');
const options = (h: SgdHparams) => ({
  lr: h.lr,
  momentum: h.momentum,
  dampening: h.dampening,
  weightDecay: h.weight_decay,
  nesterov: h.nesterov,
});

describe('SGD', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(cases.map((c, i) => [i, c.hparams] as const))(
    'matches torch.optim.SGD over 10 steps (case %i: %j)',
    (i) => {
      const c = cases[i]!;
      const vars = makeVariables(c.shapes, c.params0);
      const opt = new SGD(vars, options(c.hparams));
      expect(replay(opt, vars, c)).toBeLessThanOrEqual(1);
      opt.dispose();
      tf.dispose(vars);
    },
  );

  it('keeps a momentum buffer only with momentum, saves and resumes it, and does not leak', () => {
    const c = cases[0]!;
    const vars = makeVariables(c.shapes, c.params0);
    const opt = new SGD(vars, options(c.hparams));
    replay(opt, vars, c, 0, 3);
    const saved = opt.stateDict();
    expect(Object.keys(saved.params[vars[1]!.name]!.slots)).toEqual(['momentum_buffer']);
    opt.dispose();
    const again = new SGD(vars, options(c.hparams));
    again.loadStateDict(saved);
    tf.dispose(Object.values(saved.params).flatMap((p) => Object.values(p.slots)));
    expect(expectNoLeak(() => replay(again, vars, c, 3, 10))).toBeLessThanOrEqual(1);
    again.dispose();
    tf.dispose(vars);

    const plain = makeVariables([[2]], [[1, 1]]);
    const noMomentum = new SGD(plain, { lr: 0.5 });
    const g = { [plain[0]!.name]: tf.ones([2]) };
    noMomentum.step(g);
    expect(noMomentum.stateDict().params[plain[0]!.name]!.slots).toEqual({});
    expect(Array.from(plain[0]!.dataSync())).toEqual([0.5, 0.5]);
    tf.dispose([...Object.values(g), ...plain]);
  });

  it('rejects nesterov without momentum or with dampening, as torch does', () => {
    const vars = makeVariables([[1]], [[0]]);
    expect(() => new SGD(vars, { nesterov: true })).toThrow(
      /option 'nesterov' is true with momentum 0 and dampening 0; expected momentum > 0 and dampening 0/,
    );
    expect(() => new SGD(vars, { nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow(/dampening 0.1/);
    expect(() => new SGD(vars, { momentum: -1 })).toThrow(/option 'momentum' is -1/);
    tf.dispose(vars);
  });
});
