import {
  clipGradNorm,
  Generator,
  initTensor,
  isDecayParameterName,
  MultiTensorAdamW,
  tf,
  weightDecayParamGroups,
} from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { destroyAll, onEveryRank, tcpGroup } from './test-support/in-process-group.js';
import { Zero1Optimizer } from './zero1-optimizer.js';

// Sizes that make parameters straddle the two shards (17 + 3 + 8 + 5 = 33 elements -> shards of 17).
const SHAPES: Record<string, number[]> = {
  'layers.0.weight': [17],
  'layers.0.bias': [3],
  'layers.1.weight': [2, 4],
  'norm.weight': [5],
};
const NAMES = Object.keys(SHAPES);
const OPTIONS = { lr: 0.05, betas: [0.9, 0.99] as [number, number], eps: 1e-8, weightDecay: 0.1 };

function variables(prefix: string): tf.Variable[] {
  const rng = new Generator(11);
  return NAMES.map((name) =>
    tf.variable(initTensor(SHAPES[name]!, { kind: 'normal', std: 1 }, rng), true, `${prefix}${name}`),
  );
}

/** Rank r's gradients at step s (rank 1 has none for the bias at step 1, none has any for the norm at step 0). */
function gradients(prefix: string, rank: number, step: number): tf.NamedTensorMap {
  const rng = new Generator(100 * step + rank);
  const out: tf.NamedTensorMap = {};
  for (const name of NAMES) {
    if (name === 'layers.0.bias' && rank === 1 && step === 1) continue;
    if (name === 'norm.weight' && step === 0) continue;
    out[`${prefix}${name}`] = initTensor(SHAPES[name]!, { kind: 'normal', std: 3 }, rng);
  }
  return out;
}

const values = (vs: readonly tf.Variable[]) => vs.map((v) => Array.from(v.dataSync()));

describe('Zero1Optimizer (2 ranks)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('steps like AdamW on the summed gradients, clipped to the global norm, holding half the state', async () => {
    // The reference: one process, gradients summed over the ranks, torch's multi-tensor AdamW.
    const ref = variables('ref.');
    const adam = new MultiTensorAdamW(weightDecayParamGroups(ref, OPTIONS.weightDecay), OPTIONS);
    const norms: number[] = [];
    for (let step = 0; step < 3; step++) {
      const [g0, g1] = [gradients('ref.', 0, step), gradients('ref.', 1, step)];
      const sum: tf.NamedTensorMap = {};
      for (const k of new Set([...Object.keys(g0), ...Object.keys(g1)]))
        sum[k] = g0[k] && g1[k] ? tf.add(g0[k]!, g1[k]!) : (g0[k] ?? g1[k])!.clone();
      norms.push(clipGradNorm(sum, 2).totalNorm);
      adam.step(sum);
      tf.dispose([...Object.values(g0), ...Object.values(g1), ...Object.values(sum)]);
    }

    const group = await tcpGroup(2);
    const ranks = await onEveryRank(group, async (comm, rank) => {
      const prefix = `rank${rank}.`;
      const params = variables(prefix);
      const zero = new Zero1Optimizer(comm, params, {
        ...OPTIONS,
        weightDecay: (name) => (isDecayParameterName(name) ? OPTIONS.weightDecay : 0),
        bucketBytes: 24, // rounds of 3 elements per rank: parameters arrive in several pieces
      });
      const seen: number[] = [];
      for (let step = 0; step < 3; step++) {
        const grads = gradients(prefix, rank, step);
        seen.push((await zero.reduceAndClip(grads, 2)).totalNorm);
        await zero.step();
        tf.dispose(Object.values(grads));
      }
      const state = await zero.gatherState();
      return { rank, params, zero, seen, state };
    });

    for (const r of ranks) {
      expect(r.seen.map((n) => n.toFixed(3))).toEqual(norms.map((n) => n.toFixed(3)));
      const got = values(r.params);
      values(ref).forEach((want, i) => got[i]!.forEach((x, j) => expect(x).toBeCloseTo(want[j]!, 5)));
      // The gathered state is AdamW's: the same steps and slots.
      const refState = adam.stateDict();
      expect(Object.keys(r.state.params)).toEqual(NAMES.map((n) => `rank${r.rank}.${n}`));
      for (const name of NAMES) {
        const mine = r.state.params[`rank${r.rank}.${name}`]!;
        const want = refState.params[`ref.${name}`]!;
        expect(mine.step).toBe(want.step);
        const a = Array.from(mine.slots.exp_avg_sq!.dataSync());
        Array.from(want.slots.exp_avg_sq!.dataSync()).forEach((x, j) => expect(a[j]).toBeCloseTo(x, 4));
      }
      tf.dispose(Object.values(refState.params).flatMap((p) => Object.values(p.slots)));
      expect(r.state.stepCount).toBe(3);
    }
    // Each rank keeps AdamW state for its 17 of the 33 elements (AdamW alone: all 33).
    expect(ranks.map((r) => r.zero.stateBytes)).toEqual([17 * 8, 16 * 8]);

    // Resuming: a fresh optimizer loaded from the gathered state takes the same next step.
    const resumed = await onEveryRank(group, async (comm, rank) => {
      const r = ranks[rank]!;
      const again = new Zero1Optimizer(comm, r.params, { ...OPTIONS, weightDecay: () => 0.1 });
      again.loadStateDict(r.state);
      expect(again.stateBytes).toBe(r.zero.stateBytes);
      again.dispose();
      tf.dispose(Object.values(r.state.params).flatMap((p) => Object.values(p.slots)));
      r.zero.dispose();
      tf.dispose(r.params);
      return true;
    });
    expect(resumed).toEqual([true, true]);
    adam.dispose();
    tf.dispose(ref);
    await destroyAll(group);
  });

  it('leaves the parameters alone and reports the names when a gradient is not finite', async () => {
    const group = await tcpGroup(2);
    const results = await onEveryRank(group, async (comm, rank) => {
      const params = variables(`nan${rank}.`);
      const zero = new Zero1Optimizer(comm, params, { ...OPTIONS, weightDecay: () => 0 });
      const grads = gradients(`nan${rank}.`, rank, 2);
      if (rank === 1) {
        grads[`nan1.layers.1.weight`]!.dispose();
        grads[`nan1.layers.1.weight`] = tf.fill([2, 4], NaN);
      }
      const clip = await zero.reduceAndClip(grads, 1);
      zero.discardGradients();
      tf.dispose(Object.values(grads));
      zero.dispose();
      tf.dispose(params);
      return { finite: clip.finite, nonFinite: clip.nonFinite.map((n) => n.replace(/^nan\d\./, '')) };
    });
    expect(results).toEqual([0, 1].map(() => ({ finite: false, nonFinite: ['layers.1.weight'] })));
    await destroyAll(group);
  });
});
