import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  castSafetensorsArray,
  SafetensorsCheckpoint,
  SafetensorsFile,
  tf,
  writeSafetensorsCheckpoint,
  type SafetensorsArray,
} from '@medgpt/core-tensor';
import { createTinyModel, loadModel, parameterSpecs, type CausalLM } from '@medgpt/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bnbQuantizationConfig } from '../bnb/bnb-quantization-config.js';
import { bnbConfigJsonText } from '../bnb/bnb-config-json-text.js';
import { dequantizeBnbWeight, quantizeBnbWeight, type QuantizeBnbOptions } from '../bnb/bnb-weight.js';
import { readBnbWeight } from '../bnb/read-bnb-weight.js';
import { MODEL_SIDE_FILES } from './copy-model-files.js';
import { loadQuantizedModel } from './load-quantized-model.js';
import { isQuantizedLinear, quantizeCheckpoint } from './quantize-checkpoint.js';

let root: string;
let llama: string; // float32, separate lm_head
let qwenBf16: string; // bfloat16, tied embeddings
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-quantize-'));
  llama = (
    await createTinyModel(
      { architecture: 'llama', seed: 11, tieWordEmbeddings: false, initializerRange: 0.1 },
      join(root, 'llama'),
    )
  ).dir;
  qwenBf16 = (
    await createTinyModel({ architecture: 'qwen2', seed: 12, dtype: 'bfloat16' }, join(root, 'qwen-bf16'))
  ).dir;
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Every parameter of a checkpoint as float32 values. */
async function originals(dir: string): Promise<Map<string, { values: Float32Array; dtype: string }>> {
  await using ckpt = await SafetensorsCheckpoint.open(dir);
  const out = new Map<string, { values: Float32Array; dtype: string }>();
  for (const name of ckpt.names) {
    const a = await ckpt.readArray(name);
    out.set(name, {
      values: castSafetensorsArray(a, 'F32', { file: dir, tensor: name }).data as Float32Array,
      dtype: a.dtype,
    });
  }
  return out;
}

function logitsOf(model: CausalLM, ids: number[]): Float32Array {
  return tf.tidy(() =>
    model.forward({ inputIds: tf.tensor2d([ids], [1, ids.length], 'int32') }).dataSync(),
  ) as Float32Array;
}

const IDS = [3, 77, 104, 101, 108, 108, 111, 32, 100, 111, 99, 116, 111, 114, 46, 10];

describe.each([
  ['nf4 + double quant', { bits: 4, quantType: 'nf4', doubleQuant: true }],
  ['fp4', { bits: 4, quantType: 'fp4', doubleQuant: false }],
  ['int8', { bits: 8 }],
] as const)('quantizeCheckpoint %s', (label, q) => {
  const outDir = () => join(root, `out-${label.replace(/\W+/g, '-')}`);

  it('writes transformers’ layout: quantised decoder linears, the rest as it was, config, tokenizer', async () => {
    const before = tf.memory().numTensors;
    const r = await quantizeCheckpoint({ model: llama, outputDir: outDir(), ...q, computeDtype: 'bfloat16' });
    expect(tf.memory().numTensors).toBe(before);
    const side = (await readdir(llama)).filter((f) => (MODEL_SIDE_FILES as readonly string[]).includes(f));
    expect(side).toContain('tokenizer.json');
    expect(side).toContain('generation_config.json');
    expect(r.copied.sort()).toEqual(side.sort());
    expect((await readdir(outDir())).sort()).toEqual(['config.json', 'model.safetensors', ...side].sort());
    expect(r.files).toEqual([join(outDir(), 'model.safetensors')]);
    expect(r.indexFile).toBeUndefined();
    // 2 layers x 7 linears quantised; embed, 2 x 2 norms, final norm, lm_head kept.
    expect([r.quantized, r.kept]).toEqual([14, 7]);
    expect(r.bytesAfter).toBeLessThan(r.bytesBefore);
    expect(r.errors.map((e) => e.kind)).toEqual([
      'self_attn.q_proj',
      'self_attn.k_proj',
      'self_attn.v_proj',
      'self_attn.o_proj',
      'mlp.gate_proj',
      'mlp.up_proj',
      'mlp.down_proj',
    ]);
    const rawConfig = JSON.parse(await readFile(join(llama, 'config.json'), 'utf8'));
    const config = bnbQuantizationConfig({
      load_in_4bit: q.bits === 4,
      load_in_8bit: q.bits === 8,
      bnb_4bit_quant_type: q.bits === 4 ? q.quantType : 'nf4',
      bnb_4bit_use_double_quant: q.bits === 4 && q.doubleQuant,
      bnb_4bit_compute_dtype: 'bfloat16',
    });
    expect(await readFile(join(outDir(), 'config.json'), 'utf8')).toBe(bnbConfigJsonText(rawConfig, config));

    const orig = await originals(llama);
    await using file = await SafetensorsFile.open(join(outDir(), 'model.safetensors'));
    for (const spec of parameterSpecs((await loadModel(llama)).config)) {
      const o = orig.get(spec.name)!;
      if (!isQuantizedLinear(spec.name, spec.kind)) {
        const a = await file.readArray(spec.name);
        expect(a.dtype).toBe(o.dtype);
        expect(castSafetensorsArray(a, 'F32', { file: file.path, tensor: spec.name }).data).toEqual(o.values);
        continue;
      }
      const stored = await readBnbWeight(file, spec.name);
      expect(stored.bits).toBe(q.bits);
      const opts: QuantizeBnbOptions =
        q.bits === 4 ? { bits: 4, quantType: q.quantType, compressStatistics: q.doubleQuant } : { bits: 8 };
      // Bit for bit what quantising this tensor directly gives.
      expect(stored).toEqual(quantizeBnbWeight(o.values, spec.shape, opts));
      const err = r.errors.find((e) => spec.name.includes(e.kind))!;
      const back = dequantizeBnbWeight(stored);
      for (let i = 0; i < back.length; i++)
        expect(Math.abs(back[i]! - o.values[i]!)).toBeLessThanOrEqual(err.maxAbs);
    }
  });

  it('loads as a CausalLM with the dequantised weights, bit for bit, and logits near the original’s', async () => {
    const before = tf.memory().numTensors;
    const { model, quantization } = await loadQuantizedModel(outDir());
    expect(quantization?.load_in_4bit).toBe(q.bits === 4);
    expect(model.rawConfig.quantization_config).toBeUndefined();
    const orig = await originals(llama);
    await using file = await SafetensorsFile.open(join(outDir(), 'model.safetensors'));
    for (const spec of parameterSpecs(model.config)) {
      const got = model.weight(spec.name).dataSync();
      const want = isQuantizedLinear(spec.name, spec.kind)
        ? dequantizeBnbWeight(await readBnbWeight(file, spec.name))
        : orig.get(spec.name)!.values;
      expect(got, spec.name).toEqual(want);
    }
    const original = await loadModel(llama);
    const a = logitsOf(original, IDS);
    const b = logitsOf(model, IDS);
    // Relative RMS error of the logits against that of the quantised weights (over all of them).
    let dw = 0;
    let w2 = 0;
    for (const spec of parameterSpecs(model.config)) {
      if (!isQuantizedLinear(spec.name, spec.kind)) continue;
      const o = orig.get(spec.name)!.values;
      const d = model.weight(spec.name).dataSync();
      for (let i = 0; i < o.length; i++) {
        dw += (d[i]! - o[i]!) ** 2;
        w2 += o[i]! ** 2;
      }
    }
    let dl = 0;
    let l2 = 0;
    for (let i = 0; i < a.length; i++) {
      dl += (a[i]! - b[i]!) ** 2;
      l2 += a[i]! ** 2;
    }
    const weightError = Math.sqrt(dw / w2);
    const logitError = Math.sqrt(dl / l2);
    // Tolerance: the logits' relative RMS error is at most 4x the weights' (measured 2.7x to 3.3x on
    // this 2-layer random model: each token's path crosses 7 quantised matmuls per layer and the
    // errors add up). So the loaded model is as close to the original as its 4-bit or 8-bit weights let
    // it be (int8: about 2%, nf4: 25%); a loading mistake (a nibble order, a wrong absmax) gives errors
    // of order 1 whatever the weights' error.
    expect(weightError).toBeGreaterThan(0);
    expect(logitError).toBeLessThanOrEqual(4 * weightError);
    original.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('quantizeCheckpoint / loadQuantizedModel', () => {
  it('keeps a bf16 model’s dtype in the quant state and shards as save_pretrained, loading the same', async () => {
    const one = join(root, 'bf16-one');
    const many = join(root, 'bf16-many');
    await quantizeCheckpoint({ model: qwenBf16, outputDir: one, bits: 4, doubleQuant: true });
    const r = await quantizeCheckpoint({
      model: qwenBf16,
      outputDir: many,
      bits: 4,
      doubleQuant: true,
      maxShardSize: 20_000,
    });
    expect(r.files.length).toBeGreaterThan(1);
    expect(r.indexFile).toBe(join(many, 'model.safetensors.index.json'));
    const index = JSON.parse(await readFile(r.indexFile!, 'utf8'));
    expect(index.metadata.total_size).toBeGreaterThan(0);
    expect(Object.keys(index.weight_map)).toContain('model.layers.0.mlp.up_proj.weight.nested_absmax');
    await using file = await SafetensorsFile.open(join(one, 'model.safetensors'));
    const w = await readBnbWeight(file, 'model.layers.0.mlp.up_proj.weight');
    expect(w.bits === 4 && w.weight.dtype).toBe('bfloat16');
    // Tied embeddings: no lm_head stored, as transformers.
    expect(file.has('lm_head.weight')).toBe(false);
    const a = await loadQuantizedModel(one);
    const b = await loadQuantizedModel(many);
    expect(a.model.config.dtype).toBe('bfloat16');
    for (const [name, t] of a.model.weights)
      expect(b.model.weight(name).dataSync(), name).toEqual(t.dataSync());
    a.model.dispose();
    b.model.dispose();
  });

  it('refuses a non-empty output directory, the model itself, and a quantised input', async () => {
    const busy = join(root, 'busy');
    await mkdir(busy, { recursive: true });
    await writeFile(join(busy, 'keep.txt'), 'x');
    await expect(quantizeCheckpoint({ model: llama, outputDir: busy, bits: 8 })).rejects.toThrow(
      `${busy}: exists and is not empty (1 entries, e.g. "keep.txt")`,
    );
    await expect(quantizeCheckpoint({ model: llama, outputDir: llama, bits: 8 })).rejects.toThrow(
      'is the model being quantised',
    );
    const quantised = join(root, 'out-int8');
    await expect(
      quantizeCheckpoint({ model: quantised, outputDir: join(root, 'again'), bits: 4 }),
    ).rejects.toThrow(
      `${join(quantised, 'config.json')}: key "quantization_config": is set: the model is quantised already`,
    );
    expect((await readdir(root)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('names the file and tensor of a broken quantised weight, and the key of a bad quantization_config', async () => {
    const broken = join(root, 'broken');
    await quantizeCheckpoint({ model: llama, outputDir: broken, bits: 4 });
    const tensors = new Map<string, SafetensorsArray>();
    {
      await using ckpt = await SafetensorsCheckpoint.open(broken);
      for (const n of ckpt.names)
        if (!n.endsWith('layers.1.mlp.down_proj.weight.absmax')) tensors.set(n, await ckpt.readArray(n));
    }
    await writeSafetensorsCheckpoint(broken, tensors);
    const file = join(broken, 'model.safetensors');
    await expect(loadQuantizedModel(broken)).rejects.toThrow(
      `${file}: tensor "model.layers.1.mlp.down_proj.weight.absmax": missing; expected F32 [128], the absmax of each block of 64`,
    );
    const configFile = join(broken, 'config.json');
    const config = JSON.parse(await readFile(configFile, 'utf8'));
    config.quantization_config.bnb_4bit_quant_type = 'nf3';
    await writeFile(configFile, JSON.stringify(config));
    await expect(loadQuantizedModel(broken)).rejects.toThrow(
      `${configFile}: key "quantization_config.bnb_4bit_quant_type": is "nf3"; expected "nf4" or "fp4"`,
    );
  });
});
