import { expectNoLeak, tf, valueAndGrads } from '@medgpt/core-tensor';
import { FourBitWeight, type CausalLM } from '@medgpt/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { PeftModel } from '../peft-model.js';
import { fixtureBatch, loadBase, logitsOf, maxDiffAtMask } from '../test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const batch = fixtureBatch('llama');
const LINEAR = /^model\.layers\.\d+\.(self_attn\.[qkvo]_proj|mlp\.(gate|up|down)_proj)\.weight$/;

/** A deterministic byte stream (a 32-bit LCG), so both models get the same 4-bit weights. */
function bytes(count: number, seed: number): Uint8Array {
  let s = seed >>> 0;
  return Uint8Array.from({ length: count }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 24;
  });
}

/**
 * Replaces every decoder linear of `model` with a 4-bit weight of random codes; `dense` true stores
 * what those codes decode to as float32 instead (the reference).
 */
function quantizeRandomly(model: CausalLM, dense: boolean): void {
  const code = Float32Array.from({ length: 16 }, (_, i) => (i - 7.5) / 7.5);
  let seed = 1;
  for (const name of [...model.weights.keys()].filter((n) => LINEAR.test(n))) {
    const [out, inF] = model.weight(name).shape as [number, number];
    const n = out * inF;
    const absmax = Float32Array.from(bytes(Math.ceil(n / 64), seed++), (b) => 0.02 + b / 2000);
    const q = new FourBitWeight({
      format: 'nf4',
      shape: [out, inF],
      packed: bytes(Math.ceil(n / 2), seed++),
      absmax,
      code,
      blocksize: 64,
      dtype: 'bfloat16',
    });
    if (dense) {
      model.setWeight(name, q.dequantize());
      q.dispose();
    } else model.setQuantizedWeight(name, q);
  }
}

/** A PeftModel over the llama fixture with random 4-bit base weights, stored quantised or dense. */
async function build(quantized: boolean, useDora: boolean, dropout = 0): Promise<PeftModel> {
  // Adapter variables have global names: each live model gets its own adapter name.
  const name = quantized ? 'qlora' : 'dense';
  const model = await loadBase('llama');
  quantizeRandomly(model, !quantized);
  const peft = new PeftModel(model, { seed: 3 });
  // init_lora_weights false: B is drawn too, so the adapters change the output.
  peft.addAdapter(
    name,
    {
      target_modules: 'all',
      r: 4,
      lora_alpha: 8,
      init_lora_weights: false,
      use_dora: useDora,
      lora_dropout: dropout,
    },
    { seed: 9 },
  );
  return peft;
}

/** The loss and each trainable variable's gradient, in trainableVariables() order, named without the adapter. */
function lossAndGrads(peft: PeftModel): { loss: number; grads: Map<string, Float32Array> } {
  const t = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');
  const inputs = { inputIds: t(batch.input_ids), attentionMask: t(batch.attention_mask) };
  const vars = peft.trainableVariables();
  const { value, grads } = valueAndGrads(() => peft.model.loss(inputs, inputs.inputIds), vars);
  const adapter = peft.activeAdapter!;
  const named = (v: tf.Variable) => v.name.replace(`.${adapter}.weight`, '.weight');
  const out = {
    loss: value.dataSync()[0]!,
    grads: new Map(vars.map((v) => [named(v), grads[v.name]!.dataSync() as Float32Array])),
  };
  tf.dispose([value, ...Object.values(grads), inputs.inputIds, inputs.attentionMask]);
  return out;
}

const free = (p: PeftModel) => {
  const model = p.model;
  p.dispose();
  model.dispose();
};

describe('LoRA over a quantised base (QLoRA)', () => {
  for (const useDora of [false, true]) {
    it(`${useDora ? 'DoRA' : 'LoRA'}: logits, loss and adapter gradients match the same adapter over the dequantised base`, () =>
      expectNoLeak(async () => {
        const q = await build(true, useDora);
        const d = await build(false, useDora);
        expect(q.model.quantized.size).toBeGreaterThan(0);
        expect(d.model.quantized.size).toBe(0);
        const diff = maxDiffAtMask(logitsOf(q.model, batch), logitsOf(d.model, batch), batch.attention_mask);
        expect(diff).toBeLessThan(1e-4);
        // With the adapter off, both are the same base: the 4-bit values are exact.
        const off = q.withAdaptersDisabled(() => logitsOf(q.model, batch));
        const offDense = d.withAdaptersDisabled(() => logitsOf(d.model, batch));
        expect(maxDiffAtMask(off, offDense, batch.attention_mask)).toBeLessThan(1e-5);
        expect(maxDiffAtMask(off, logitsOf(q.model, batch), batch.attention_mask)).toBeGreaterThan(1e-3);
        const gq = lossAndGrads(q);
        const gd = lossAndGrads(d);
        expect(Math.abs(gq.loss - gd.loss)).toBeLessThan(1e-5);
        expect([...gq.grads.keys()].sort()).toEqual([...gd.grads.keys()].sort());
        for (const [name, g] of gq.grads) {
          const ref = gd.grads.get(name)!;
          const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
          const err = g.reduce((m, v, i) => Math.max(m, Math.abs(v - ref[i]!)), 0);
          expect(err, name).toBeLessThanOrEqual(1e-4 * Math.max(scale, 1e-3));
        }
        free(q);
        free(d);
      }));
  }

  it('with LoRA dropout and gradient checkpointing: the loss and adapter gradients of the dense base', () =>
    expectNoLeak(async () => {
      const [q, d] = [await build(true, false, 0.1), await build(false, false, 0.1)];
      for (const p of [q, d]) {
        p.training = true;
        p.model.gradientCheckpointing = true;
        p.model.checkpointGenerators = [p.rng];
      }
      // The same seeds: the same dropout masks on both sides.
      const gq = lossAndGrads(q);
      const gd = lossAndGrads(d);
      expect(Math.abs(gq.loss - gd.loss)).toBeLessThan(1e-5);
      for (const [name, g] of gq.grads) {
        const ref = gd.grads.get(name)!;
        const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        const err = g.reduce((m, v, i) => Math.max(m, Math.abs(v - ref[i]!)), 0);
        expect(err, name).toBeLessThanOrEqual(1e-4 * Math.max(scale, 1e-3));
      }
      free(q);
      free(d);
    }));

  it('trains with LoRA dropout, and refuses to merge into the quantised base', () =>
    expectNoLeak(async () => {
      const q = await build(true, false);
      q.addAdapter('dropped', { target_modules: ['q_proj', 'v_proj'], r: 2, lora_dropout: 0.1 }, { seed: 1 });
      q.setAdapter('dropped');
      q.training = true;
      const { loss, grads } = lossAndGrads(q);
      expect(Number.isFinite(loss)).toBe(true);
      expect(grads.size).toBe(q.trainableVariables().length);
      expect(() => q.merge('qlora')).toThrow(/quantised; merge into a float base/);
      free(q);
    }));
});
