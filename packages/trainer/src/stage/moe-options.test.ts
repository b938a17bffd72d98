import { fileURLToPath } from 'node:url';
import { tf } from '@medgpt/core-tensor';
import { loadModel } from '@medgpt/models';
import { beforeAll, expect, it } from 'vitest';
import { ConfigError } from '../config-error.js';
import { checkMoeOptions, MOE_OPTION_DEFAULTS, routerAuxLossCoef } from './moe-options.js';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../models/src/fixtures/${name}`, import.meta.url));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

it("takes the load-balancing loss's switch and weight from the options, else from config.json", async () => {
  const moe = await loadModel(fixture('mixtral')); // output_router_logits false, router_aux_loss_coef 0.02
  expect(routerAuxLossCoef(moe, MOE_OPTION_DEFAULTS)).toBeNull();
  expect(routerAuxLossCoef(moe, { ...MOE_OPTION_DEFAULTS, output_router_logits: true })).toBe(0.02);
  expect(routerAuxLossCoef(moe, { output_router_logits: true, router_aux_loss_coef: 0.5 })).toBe(0.5);
  expect(routerAuxLossCoef(moe, { output_router_logits: false, router_aux_loss_coef: 0.5 })).toBeNull();
  moe.dispose();
  const dense = await loadModel(fixture('qwen2'));
  expect(routerAuxLossCoef(dense, MOE_OPTION_DEFAULTS)).toBeNull();
  expect(() => routerAuxLossCoef(dense, { ...MOE_OPTION_DEFAULTS, output_router_logits: true })).toThrow(
    '--output_router_logits is true; expected false or unset for Qwen2ForCausalLM (it is not a mixture of experts)',
  );
  dense.dispose();
});

it('refuses a negative weight or a non-boolean switch, naming the option', () => {
  expect(() => checkMoeOptions({ ...MOE_OPTION_DEFAULTS, router_aux_loss_coef: -1 })).toThrow(ConfigError);
  expect(() =>
    checkMoeOptions({ ...MOE_OPTION_DEFAULTS, output_router_logits: 'yes' as unknown as boolean }),
  ).toThrow('--output_router_logits is "yes"; expected true, false or unset');
});
