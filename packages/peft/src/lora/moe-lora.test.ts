// LoRA on a mixture of experts (the models package's Mixtral and Qwen3-MoE fixtures): attention only
// by default, experts and routers when named (peft's per-expert module names), and a per-expert adapter
// that computes, trains, saves and loads like any other.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafetensorsFile, tf, valueAndGrads } from '@medgpt/core-tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoraConfig, type LoraConfigOptions } from '../config/lora-config.js';
import { allLinearNames, expandAllTargets, resolveTargets } from '../config/resolve-targets.js';
import { PeftModel } from '../peft-model.js';
import { fixtureBatch, loadBase, logitsOf, maxDiffAtMask } from '../test-support.js';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'medgpt-moe-lora-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function targetsOf(name: string, options: LoraConfigOptions): Promise<string[]> {
  const model = await loadBase(name);
  const config = model.config;
  model.dispose();
  return resolveTargets(expandAllTargets(createLoraConfig(options), config), config, 'test').map(
    (t) => t.module,
  );
}
const attention = (layers: number[]) =>
  layers.flatMap((i) =>
    ['q_proj', 'k_proj', 'v_proj', 'o_proj'].map((p) => `model.layers.${i}.self_attn.${p}`),
  );

describe('LoRA targets on a mixture of experts', () => {
  it("'all' and 'all-linear' adapt attention only on Mixtral (MedicalGPT's advice)", async () => {
    for (const target of ['all', 'all-linear'])
      expect(await targetsOf('mixtral', { target_modules: target })).toEqual(attention([0, 1]));
  });

  it("Qwen3-MoE's dense MLP layer (mlp_only_layers) is in 'all' by its full name, no expert is", async () => {
    const model = await loadBase('qwen3-moe');
    expect(allLinearNames(model.config)).toEqual([
      'k_proj',
      'model.layers.1.mlp.down_proj',
      'model.layers.1.mlp.gate_proj',
      'model.layers.1.mlp.up_proj',
      'o_proj',
      'q_proj',
      'v_proj',
    ]);
    model.dispose();
    const all = await targetsOf('qwen3-moe', { target_modules: 'all' });
    expect(all.filter((m) => !m.includes('self_attn'))).toEqual(
      ['gate_proj', 'up_proj', 'down_proj'].map((p) => `model.layers.1.mlp.${p}`),
    );
    expect(await targetsOf('qwen3-moe', { target_modules: 'all-linear' })).toEqual(all);
  });

  it('experts and routers when named, by peft’s suffix and regex rules', async () => {
    const w1w3 = await targetsOf('mixtral', { target_modules: ['w1', 'w3'] });
    expect(w1w3).toHaveLength(2 * 4 * 2);
    expect(w1w3.every((m) => /^model\.layers\.\d\.block_sparse_moe\.experts\.\d\.w[13]$/.test(m))).toBe(true);
    expect(await targetsOf('mixtral', { target_modules: ['experts.0.w2', 'gate'] })).toEqual([
      'model.layers.0.block_sparse_moe.gate',
      'model.layers.0.block_sparse_moe.experts.0.w2',
      'model.layers.1.block_sparse_moe.gate',
      'model.layers.1.block_sparse_moe.experts.0.w2',
    ]);
    // gate_proj is a leaf of the dense layer and of every expert, as on transformers 4.
    expect(await targetsOf('qwen3-moe', { target_modules: ['gate_proj'] })).toHaveLength(1 + 2 * 4);
    expect(
      await targetsOf('qwen3-moe', { target_modules: '.*\\.2\\.mlp\\.experts\\.\\d\\.down_proj' }),
    ).toEqual([0, 1, 2, 3].map((e) => `model.layers.2.mlp.experts.${e}.down_proj`));
  });
});

describe.each(['mixtral', 'qwen3-moe'])('%s: LoRA on experts', (name) => {
  const batch = fixtureBatch(name);
  const targets =
    name === 'mixtral'
      ? ['q_proj', 'w1', 'w2', 'w3', 'gate']
      : ['q_proj', 'gate_proj', 'up_proj', 'down_proj', 'gate'];

  it('the hooked forward equals the merged model, the experts’ adapters train, and the adapter round-trips', async () => {
    const model = await loadBase(name);
    const peft = new PeftModel(model, { seed: 2 });
    const adapter = peft.addAdapter('default', {
      target_modules: targets,
      r: 2,
      lora_alpha: 4,
      init_lora_weights: false,
    });
    const hooked = logitsOf(model, batch);
    peft.merge();
    const merged = logitsOf(model, batch);
    peft.unmerge();
    expect(maxDiffAtMask(hooked, merged, batch.attention_mask)).toBeLessThan(1e-4);

    // Gradients reach the adapters of every expert that got tokens, and the routers'.
    const vars = peft.trainableVariables();
    const t = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');
    const { value, grads } = valueAndGrads(
      () =>
        tf.tidy(() => {
          const { loss, auxLoss } = model.lossWithRouterAux(
            { inputIds: t(batch.input_ids), attentionMask: t(batch.attention_mask) },
            t(batch.input_ids),
          );
          return tf.add(loss, tf.mul(auxLoss, 0.02)) as tf.Scalar;
        }),
      vars,
    );
    const nonZero = Object.entries(grads)
      .filter(([, g]) => g!.dataSync().some((x) => x !== 0))
      .map(([n]) => n);
    tf.dispose([value, ...Object.values(grads)]);
    expect(nonZero.some((n) => /experts\.\d\./.test(n))).toBe(true);
    expect(nonZero.some((n) => /\.gate\b/.test(n) && !n.includes('experts'))).toBe(true);

    await peft.saveAdapter(join(dir, name));
    const file = await SafetensorsFile.open(join(dir, name, 'adapter_model.safetensors'));
    const prefix = name === 'mixtral' ? 'block_sparse_moe' : 'mlp';
    expect(file.names).toContain(
      `base_model.model.model.layers.0.${prefix}.experts.3.${targets[2]}.lora_A.weight`,
    );
    expect(file.names).toContain(`base_model.model.model.layers.0.${prefix}.gate.lora_B.weight`);
    await file.close();
    expect(adapter.modules.size).toBeGreaterThan(8);
    peft.dispose();
    model.dispose();

    const again = await loadBase(name);
    const loaded = new PeftModel(again);
    await loaded.loadAdapter(join(dir, name));
    expect(maxDiffAtMask(logitsOf(again, batch), hooked, batch.attention_mask)).toBeLessThan(1e-5);
    loaded.dispose();
    again.dispose();
  });
});

it("refuses peft's target_parameters (fused experts), saying how to adapt experts instead", async () => {
  const model = await loadBase('mixtral');
  const peft = new PeftModel(model);
  const adapterDir = join(dir, 'tp');
  peft.addAdapter('default', { target_modules: ['q_proj'], r: 2 });
  await peft.saveAdapter(adapterDir);
  const configFile = join(adapterDir, 'adapter_config.json');
  const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
  await writeFile(configFile, JSON.stringify({ ...config, target_parameters: ['mlp.experts.gate_up_proj'] }));
  peft.dispose();
  const other = new PeftModel(model);
  await expect(other.loadAdapter(adapterDir)).rejects.toThrow(
    /"target_parameters": is \["mlp.experts.gate_up_proj"\]: LoRA on parameters .* not implemented.*w1, w2, w3/,
  );
  other.dispose();
  model.dispose();
});
