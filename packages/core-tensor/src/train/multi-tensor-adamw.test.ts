import { afterAll, describe, expect, it } from 'vitest';
import { MultiTensorAdamWUpdate } from '../kernel-names.js';
import { expectNoLeak, Generator, tf } from '../index.js';
import { AdamW } from './adamw.js';
import { MultiTensorAdamW } from './multi-tensor-adamw.js';
import { loadFixture, makeVariables, type TorchOptimizerCase } from './optimizer-test-utils.js';
import type { ParamGroup } from './optimizer.js';

interface AdamWHparams {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
}
const { cases } = loadFixture<{ cases: TorchOptimizerCase<AdamWHparams>[] }>('torch-adamw.json');
const options = (h: AdamWHparams) => ({ lr: h.lr, betas: h.betas, eps: h.eps, weightDecay: h.weight_decay });

type AnyAdamW = AdamW | MultiTensorAdamW;

/** Gradients of step `s` of `c` for `vars`, leaving out parameter `skip` (no gradient that step). */
function gradsAt(c: TorchOptimizerCase<AdamWHparams>, vars: tf.Variable[], s: number, skip = -1) {
  const entries = vars.map((v, i) => [v.name, tf.tensor(c.grads[s]![i]!, v.shape)] as const);
  return Object.fromEntries(entries.filter((_, i) => i !== skip));
}

/** Runs steps [from, to) on each optimizer with the same gradients; returns the parameters after. */
function run(
  pairs: [AnyAdamW, tf.Variable[]][],
  c: TorchOptimizerCase<AdamWHparams>,
  from: number,
  to: number,
) {
  for (let s = from; s < to; s++) {
    for (const [opt, vars] of pairs) {
      const grads = gradsAt(c, vars, s, s % 3 === 1 ? 1 : -1); // parameter 1 skips some steps
      opt.step(grads);
      tf.dispose(Object.values(grads));
    }
  }
  return pairs.map(([, vars]) => vars.map((v) => Array.from(v.dataSync())));
}

/** Two param groups with different weight decay, as AdamW and MultiTensorAdamW take them. */
const groupsOf = (vars: tf.Variable[]): ParamGroup[] => [
  { params: [vars[0]!], weightDecay: 0.05 },
  { params: [vars[1]!], weightDecay: 0 },
];

describe.each(['cpu', 'wasm'])('MultiTensorAdamW on %s', (backend) => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(cases.map((c, i) => [i, c] as const))(
    'equals the per-parameter AdamW to the bit (torch case %i, groups, skipped gradients)',
    async (_i, c) => {
      await tf.setBackend(backend);
      const perParam = makeVariables(c.shapes, c.params0);
      const multi = makeVariables(c.shapes, c.params0);
      const flat: [AnyAdamW, tf.Variable[]][] = [
        [new AdamW(perParam, options(c.hparams)), perParam],
        [new MultiTensorAdamW(multi, options(c.hparams)), multi],
      ];
      const [want, got] = run(flat, c, 0, c.grads.length);
      expect(got).toEqual(want);
      flat.forEach(([opt]) => opt.dispose());
      const grouped: [AnyAdamW, tf.Variable[]][] = [
        [new AdamW(groupsOf(perParam), options(c.hparams)), perParam],
        [new MultiTensorAdamW(groupsOf(multi), options(c.hparams)), multi],
      ];
      const [want2, got2] = run(grouped, c, 0, c.grads.length);
      expect(got2).toEqual(want2);
      grouped.forEach(([opt]) => opt.dispose());
      tf.dispose([...perParam, ...multi]);
    },
  );

  it('one kernel per group and no uploads besides its outputs; no leaks once state exists', async () => {
    await tf.setBackend(backend);
    const g = new Generator(4);
    const shapes = [[4, 3], [3], [2, 2], [5]];
    const vars = makeVariables(
      shapes,
      shapes.map((s) =>
        Array.from(
          g.normal(
            s.reduce((a, b) => a * b, 1),
            0,
            1,
          ),
        ),
      ),
    );
    const opt = new MultiTensorAdamW([
      { params: vars.slice(0, 3), weightDecay: 0.1 },
      { params: vars.slice(3), weightDecay: 0 },
    ]);
    const grads = Object.fromEntries(vars.map((v) => [v.name, tf.onesLike(v)]));
    opt.step(grads);
    const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
    const backendImpl = tf.backend() as unknown as { write: (...a: unknown[]) => unknown };
    const [runKernel, write] = [engine.runKernel, backendImpl.write];
    const kernels: string[] = [];
    let writes = 0;
    engine.runKernel = (name, ...rest) => (kernels.push(name), runKernel.call(engine, name, ...rest));
    backendImpl.write = (...a) => (writes++, write.apply(backendImpl, a));
    try {
      expectNoLeak(() => opt.step(grads), { label: 'MultiTensorAdamW.step' });
    } finally {
      engine.runKernel = runKernel;
      backendImpl.write = write;
    }
    expect(kernels).toEqual([MultiTensorAdamWUpdate, MultiTensorAdamWUpdate]);
    expect(writes).toBe(3 * vars.length);
    tf.dispose([...Object.values(grads), ...vars]);
    opt.dispose();
  });
});

describe('MultiTensorAdamW state', () => {
  it('stateDict interoperates with AdamW both ways, resuming exactly', async () => {
    await tf.setBackend('cpu');
    const c = cases[1]!;
    const a = makeVariables(c.shapes, c.params0);
    const b = makeVariables(c.shapes, c.params0);
    const adamw = new AdamW(a, options(c.hparams));
    const multi = new MultiTensorAdamW(b, options(c.hparams));
    run(
      [
        [adamw, a],
        [multi, b],
      ],
      c,
      0,
      4,
    );
    // Swap the states: each continues from the other's checkpoint (same values, so same trajectory).
    const rename = (s: ReturnType<AdamW['stateDict']>, to: tf.Variable[], from: tf.Variable[]) => ({
      ...s,
      params: Object.fromEntries(
        Object.entries(s.params).map(([k, p]) => [to[from.findIndex((v) => v.name === k)]!.name, p]),
      ),
    });
    const fromAdamW = adamw.stateDict();
    const fromMulti = multi.stateDict();
    expect(Object.keys(fromMulti.params).length).toBe(Object.keys(fromAdamW.params).length);
    expect(fromMulti.optimizer).toBe(fromAdamW.optimizer);
    const adamw2 = new AdamW(a, options(c.hparams));
    const multi2 = new MultiTensorAdamW(b, options(c.hparams));
    adamw2.loadStateDict(rename(fromMulti, a, b));
    multi2.loadStateDict(rename(fromAdamW, b, a));
    expect(multi2.stepCount).toBe(4);
    const [want, got] = run(
      [
        [adamw2, a],
        [multi2, b],
      ],
      c,
      4,
      c.grads.length,
    );
    expect(got).toEqual(want);
    for (const s of [fromAdamW, fromMulti])
      tf.dispose(Object.values(s.params).flatMap((p) => Object.values(p.slots)));
    [adamw, multi, adamw2, multi2].forEach((o) => o.dispose());
    tf.dispose([...a, ...b]);
  });

  it('rejects what AdamW rejects, naming it', () => {
    const [v] = makeVariables([[3]], [[1, 2, 3]]);
    expect(() => new MultiTensorAdamW([v!], { betas: [0.9, 1] })).toThrow(
      /AdamW: option 'betas\[1\]' is 1; expected a number in \[0, 1\)/,
    );
    expect(() => new MultiTensorAdamW([v!, v!])).toThrow(/appears more than once/);
    const opt = new MultiTensorAdamW([v!]);
    const bad = tf.zeros([4]);
    expect(() => opt.step({ [v!.name]: bad })).toThrow(
      /gradient of '.*' is float32\[4\]; expected float32\[3\]/,
    );
    expect(() => opt.loadStateDict({ optimizer: 'SGD', stepCount: 0, lr: 1, params: {} })).toThrow(
      /saved by 'SGD'; expected 'AdamW'/,
    );
    tf.dispose([bad, v!]);
  });
});
