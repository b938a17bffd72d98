// transformers' MoE training loss on the golden fixtures (tools/fixtures/make_moe_fixtures.py): the LM
// loss and load_balancing_loss_func's aux_loss for a padded batch, and the gradients of
// loss + router_aux_loss_coef * aux_loss, with and without gradient checkpointing.
import { closeness, expectNoLeak, tf, valueAndGrads } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../io/load-model.js';
import { fixtureDir, readExpected } from '../../test-fixtures.js';
import type { CausalLM } from '../causal-lm.js';

interface MoeExpected {
  labels: number[][];
  lm_loss: number;
  aux_loss: number;
  router_aux_loss_coef: number;
  grads: Record<string, number[]>;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const int2d = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');

describe.each(['mixtral', 'qwen3-moe'])('%s: the load-balancing loss of transformers 5.17', (name) => {
  const expected = { ...readExpected(name), ...(readExpected(name) as unknown as MoeExpected) };

  const losses = (model: CausalLM) =>
    tf.tidy(() =>
      model.lossWithRouterAux(
        { inputIds: int2d(expected.input_ids), attentionMask: int2d(expected.attention_mask) },
        int2d(expected.labels),
      ),
    );

  it('LM loss and aux_loss (padding excluded) equal transformers’', async () => {
    const model = await loadModel(fixtureDir(name));
    expect(model.config.moe?.routerAuxLossCoef).toBe(expected.router_aux_loss_coef);
    const [lm, aux] = expectNoLeak(() => {
      const { loss, auxLoss } = losses(model);
      const values = [loss.dataSync()[0]!, auxLoss.dataSync()[0]!];
      tf.dispose([loss, auxLoss]);
      return values;
    });
    console.log(
      `${name}: |lm diff| ${Math.abs(lm! - expected.lm_loss).toExponential(2)}, |aux diff| ${Math.abs(aux! - expected.aux_loss).toExponential(2)}`,
    );
    expect(lm).toBeCloseTo(expected.lm_loss, 5);
    expect(aux).toBeCloseTo(expected.aux_loss, 5);
    // Without a mask every row counts: another value, as in transformers.
    const unmasked = tf.tidy(
      () =>
        model
          .lossWithRouterAux({ inputIds: int2d(expected.input_ids) }, int2d(expected.labels))
          .auxLoss.dataSync()[0]!,
    );
    expect(unmasked).not.toBeCloseTo(aux!, 5);
    model.dispose();
  });

  it.each([false, true])(
    'gradients of loss + coef * aux_loss equal torch’s (gradient checkpointing %s)',
    async (checkpointing) => {
      const model = await loadModel(fixtureDir(name));
      model.gradientCheckpointing = checkpointing;
      const names = Object.keys(expected.grads);
      const vars = names.map((n) => {
        const v = tf.variable(model.weight(n), true, `${name}/${checkpointing}/${n}`);
        model.setWeight(n, v);
        return v;
      });
      const coef = expected.router_aux_loss_coef;
      const got = expectNoLeak(() => {
        const { value, grads } = valueAndGrads(() => {
          const { loss, auxLoss } = losses(model);
          return tf.add(loss, tf.mul(auxLoss, coef)) as tf.Scalar;
        }, vars);
        const out = Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, g!.dataSync()]));
        tf.dispose([value, ...Object.values(grads)]);
        return out;
      });
      for (const [i, n] of names.entries()) {
        const want = expected.grads[n]!;
        const g = got[vars[i]!.name]!;
        expect(closeness(g, want, 1e-6, 1e-3), n).toBeLessThanOrEqual(1);
      }
      model.dispose();
    },
  );
});
