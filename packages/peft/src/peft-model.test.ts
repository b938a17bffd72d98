import { AdamW, expectNoLeak, tf } from '@medgpt/core-tensor';
import type { CausalLM } from '@medgpt/models';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoraModule } from './lora/lora-adapter.js';
import { PeftModel } from './peft-model.js';
import { fixtureBatch, loadBase, logitsOf, maxDiffAtMask, type Batch } from './test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const llamaBatch = fixtureBatch('llama');
const mask = llamaBatch.attention_mask;

// Runs `fn` on a fresh llama fixture wrapped in a PeftModel, freeing both, and fails on a leaked tensor.
async function withPeft(name: string, fn: (peft: PeftModel, model: CausalLM) => Promise<void> | void) {
  await expectNoLeak(async () => {
    const model = await loadBase(name);
    const peft = new PeftModel(model, { seed: 3 });
    try {
      await fn(peft, model);
    } finally {
      peft.dispose();
      model.dispose();
    }
  });
}

// W + s·BA (DoRA: (m / ||W + s·BA||) ⊙ (W + s·BA)), computed here from the adapter's own tensors.
function expectedWeight(w: tf.Tensor, m: LoraModule): tf.Tensor {
  return tf.tidy(() => {
    const sum = tf.add(w, tf.mul(tf.matMul(m.loraB, m.loraA), m.scale));
    if (!m.magnitude) return sum;
    const norm = tf.sqrt(tf.sum(tf.square(sum), 1, true));
    return tf.mul(sum, tf.div(tf.reshape(m.magnitude, [-1, 1]), norm));
  });
}

// Logits of a fresh copy of the base whose adapted weights are set to `expectedWeight`.
async function referenceLogits(peft: PeftModel, name: string, batch: Batch): Promise<Float32Array> {
  const ref = await loadBase(name);
  for (const m of peft.adapter(peft.activeAdapter!).modules.values()) {
    const key = `${m.module}.weight`;
    ref.setWeight(key, expectedWeight(ref.weight(key), m));
  }
  const out = logitsOf(ref, batch);
  ref.dispose();
  return out;
}

describe('PeftModel', () => {
  it('a fresh adapter (B = 0, peft init) leaves the logits unchanged, LoRA and DoRA', () =>
    withPeft('llama', (peft, model) => {
      const base = logitsOf(model, llamaBatch);
      for (const [name, dora] of [
        ['lora', false],
        ['dora', true],
      ] as const) {
        peft.addAdapter(name, { target_modules: 'all', r: 4, lora_alpha: 8, use_dora: dora });
        const out = peft.withAdapter(name, () => logitsOf(model, llamaBatch));
        expect(maxDiffAtMask(out, base, mask)).toBeLessThan(1e-5);
      }
    }));

  for (const variant of [
    { label: 'LoRA', options: {} },
    { label: 'rsLoRA', options: { use_rslora: true } },
    { label: 'DoRA', options: { use_dora: true } },
    {
      label: 'LoRA with rank/alpha patterns',
      options: { rank_pattern: { q_proj: 2 }, alpha_pattern: { down_proj: 3 } },
    },
  ]) {
    it(`the hooked forward equals the base with W + ΔW folded in (${variant.label})`, () =>
      withPeft('llama', async (peft, model) => {
        const base = logitsOf(model, llamaBatch);
        peft.addAdapter('a', {
          target_modules: 'all',
          r: 4,
          lora_alpha: 8,
          init_lora_weights: false,
          ...variant.options,
        });
        const ours = logitsOf(model, llamaBatch);
        const ref = await referenceLogits(peft, 'llama', llamaBatch);
        expect(maxDiffAtMask(ours, ref, mask)).toBeLessThan(1e-4);
        expect(maxDiffAtMask(ours, base, mask)).toBeGreaterThan(0.05);
      }));
  }

  it('applies rank_pattern and use_rslora to the scale of each layer', () =>
    withPeft('llama', (peft) => {
      const a = peft.addAdapter('a', {
        target_modules: ['q_proj', 'v_proj'],
        r: 4,
        lora_alpha: 8,
        use_rslora: true,
        rank_pattern: { 'layers\\.1\\.self_attn\\.q_proj': 2 },
      });
      const q1 = a.modules.get('model.layers.1.self_attn.q_proj')!;
      const q0 = a.modules.get('model.layers.0.self_attn.q_proj')!;
      expect([q1.r, q1.scale, q1.loraA.shape]).toEqual([2, 8 / Math.sqrt(2), [2, 16]]);
      expect([q0.r, q0.scale]).toEqual([4, 8 / 2]);
      expect([...a.modules.keys()].sort()).toEqual(
        [0, 1]
          .flatMap((i) => [`model.layers.${i}.self_attn.q_proj`, `model.layers.${i}.self_attn.v_proj`])
          .sort(),
      );
    }));

  it('switches adapters per call, disables them for the base, and restores the previous state', () =>
    withPeft('llama', async (peft, model) => {
      const base = logitsOf(model, llamaBatch);
      peft.addAdapter('a', { target_modules: 'all', init_lora_weights: false }, { seed: 1 });
      peft.addAdapter('b', { target_modules: ['q_proj', 'v_proj'], init_lora_weights: false }, { seed: 2 });
      const a = logitsOf(model, llamaBatch);
      const b = peft.withAdapter('b', () => logitsOf(model, llamaBatch));
      expect(peft.activeAdapter).toBe('a');
      expect(maxDiffAtMask(a, b, mask)).toBeGreaterThan(0.05);
      expect(maxDiffAtMask(logitsOf(model, llamaBatch), a, mask)).toBe(0);
      const off = await peft.withAdaptersDisabled(async () => logitsOf(model, llamaBatch));
      expect(maxDiffAtMask(off, base, mask)).toBe(0);
      expect(() =>
        peft.withAdapter('b', () => {
          throw new Error('request failed');
        }),
      ).toThrow('request failed');
      expect(peft.activeAdapter).toBe('a');
      expect(() => peft.setAdapter('c')).toThrow("adapter 'c': is not loaded; loaded: a, b");
    }));

  it('merges into the base weights (same logits) and unmerges back (weights restored)', () =>
    withPeft('llama', (peft, model) => {
      peft.addAdapter('a', { target_modules: 'all', init_lora_weights: false, use_dora: true }, { seed: 4 });
      const q = 'model.layers.0.self_attn.q_proj.weight';
      const original = model.weight(q).dataSync().slice();
      const hooked = logitsOf(model, llamaBatch);
      peft.merge();
      expect(peft.mergedAdapter).toBe('a');
      expect(maxDiffAtMask(logitsOf(model, llamaBatch), hooked, mask)).toBeLessThan(1e-5);
      peft.disableAdapters(); // unmerges, as peft's disable_adapter does
      expect(peft.mergedAdapter).toBe(null);
      const restored = model.weight(q).dataSync();
      expect(Math.max(...restored.map((x, i) => Math.abs(x - original[i]!)))).toBeLessThan(1e-6);
    }));

  it('modules_to_save and bias copies replace the base parameters only while the adapter is active', () =>
    withPeft('llama', async (peft, model) => {
      const headBefore = model.weight('lm_head.weight');
      const a = peft.addAdapter('a', {
        target_modules: ['q_proj'],
        modules_to_save: ['embed_tokens', 'lm_head'],
      });
      expect([...a.parameters.keys()]).toEqual(['model.embed_tokens.weight', 'lm_head.weight']);
      expect(model.weight('lm_head.weight')).toBe(a.parameters.get('lm_head.weight'));
      tf.tidy(() => a.parameters.get('lm_head.weight')!.assign(tf.zerosLike(headBefore)));
      const zeros = logitsOf(model, llamaBatch);
      expect(Math.max(...zeros.map(Math.abs))).toBe(0);
      peft.disableAdapters();
      expect(model.weight('lm_head.weight')).toBe(headBefore);
    }));

  it("bias 'all' trains every bias (qwen2's q/k/v), 'lora_only' those of adapted layers", () =>
    withPeft('qwen2', (peft) => {
      const all = peft.addAdapter('all', { target_modules: ['q_proj'], bias: 'all' });
      const only = peft.addAdapter('only', { target_modules: ['q_proj'], bias: 'lora_only' });
      expect([...all.parameters.keys()].filter((p) => p.includes('layers.0'))).toEqual(
        ['q_proj', 'k_proj', 'v_proj'].map((p) => `model.layers.0.self_attn.${p}.bias`),
      );
      expect([...only.parameters.keys()]).toEqual(
        [0, 1].map((i) => `model.layers.${i}.self_attn.q_proj.bias`),
      );
    }));

  it('trains only adapter tensors: gradients reach A, B, magnitudes and copies; an AdamW step leaves the base bit-identical', () =>
    withPeft('llama', (peft, model) => {
      const baseBefore = new Map([...model.weights].map(([k, w]) => [k, w.dataSync().slice()]));
      expect([...model.weights.values()].some((w) => w instanceof tf.Variable)).toBe(false);
      peft.addAdapter('a', {
        target_modules: 'all',
        r: 4,
        lora_alpha: 8,
        lora_dropout: 0.1,
        use_dora: true,
        modules_to_save: ['lm_head'],
        init_lora_weights: false, // B != 0, so A's gradient is not 0 either
      });
      peft.training = true;
      const vars = peft.trainableVariables();
      const names = vars.map((v) => v.name);
      expect(names.filter((n) => n.includes('lora_A')).length).toBe(14);
      expect(names.filter((n) => n.includes('lora_magnitude_vector')).length).toBe(14);
      expect(names.filter((n) => n.includes('modules_to_save'))).toEqual([
        'base_model.model.lm_head.modules_to_save.a.weight',
      ]);
      const ids = tf.tensor2d(llamaBatch.input_ids, undefined, 'int32');
      const attentionMask = tf.tensor2d(mask, undefined, 'int32');
      const opt = new AdamW(vars, { lr: 1e-2, weightDecay: 0 });
      const before = new Map(vars.map((v) => [v.name, v.dataSync().slice()]));
      const { value, grads } = tf.variableGrads(
        () => model.loss({ inputIds: ids, attentionMask }, ids),
        vars,
      );
      expect(Object.keys(grads).sort()).toEqual([...names].sort());
      for (const n of names) {
        expect(Math.max(...grads[n]!.dataSync().map(Math.abs)), n).toBeGreaterThan(0);
      }
      opt.step(grads);
      for (const v of vars) expect(v.dataSync(), v.name).not.toEqual(before.get(v.name));
      peft.disableAdapters();
      for (const [k, w] of model.weights) expect(w.dataSync(), k).toEqual(baseBefore.get(k));
      tf.dispose([value, ids, attentionMask, ...Object.values(grads)]);
      opt.dispose();
    }));

  it('LoRA dropout acts in training mode only, reproducibly from the seed', () =>
    withPeft('llama', (peft, model) => {
      peft.addAdapter('a', { target_modules: 'all', lora_dropout: 0.5, init_lora_weights: false });
      const evalOut = logitsOf(model, llamaBatch);
      peft.training = true;
      const state = peft.rng.getState();
      const t1 = logitsOf(model, llamaBatch);
      peft.rng.setState(state);
      const t2 = logitsOf(model, llamaBatch);
      expect(maxDiffAtMask(t1, t2, mask)).toBe(0);
      expect(maxDiffAtMask(t1, evalOut, mask)).toBeGreaterThan(1e-3);
    }));

  it('mergeAndUnload returns the plain model with the adapter and its copies folded in', () =>
    withPeft('llama', (peft, model) => {
      peft.addAdapter(
        'a',
        { target_modules: 'all', init_lora_weights: false, modules_to_save: ['lm_head'] },
        { seed: 5 },
      );
      tf.tidy(() =>
        peft
          .adapter('a')
          .parameters.get('lm_head.weight')!
          .assign(tf.onesLike(model.weight('lm_head.weight'))),
      );
      const hooked = logitsOf(model, llamaBatch);
      const out = peft.mergeAndUnload();
      expect(out.linearHook).toBe(null);
      expect(out.weight('lm_head.weight') instanceof tf.Variable).toBe(false);
      expect(maxDiffAtMask(logitsOf(out, llamaBatch), hooked, mask)).toBeLessThan(1e-5);
      expect(peft.adapterNames).toEqual([]);
    }));

  it('refuses configs it cannot honour, naming the field and what is expected', () =>
    withPeft('qwen2', (peft) => {
      expect(() => peft.addAdapter('x', { target_modules: ['nope'] })).toThrow(
        `adapter 'x': "target_modules": ["nope"] matches no linear layer of this Qwen2ForCausalLM; its linear layers are down_proj, gate_proj, k_proj, o_proj, q_proj, up_proj, v_proj`,
      );
      expect(() => peft.addAdapter('x', { target_modules: 'all', r: 0 })).toThrow(
        `"r": is 0; expected a positive integer`,
      );
      expect(() =>
        peft.addAdapter('x', { target_modules: ['q_proj'], modules_to_save: ['embed_tokens'] }),
      ).toThrow('ties its LM head to embed_tokens');
      expect(peft.adapterNames).toEqual([]);
    }));

  it('refuses LoRA on lm_head (the head does not run through linearHook)', () =>
    withPeft('llama', (peft) => {
      expect(() => peft.addAdapter('x', { target_modules: ['lm_head'] })).toThrow(
        'selects lm_head: LoRA on an output head is not supported',
      );
    }));
});
