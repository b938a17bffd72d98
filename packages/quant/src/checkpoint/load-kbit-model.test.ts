import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectNoLeak, tf } from '@medgpt/core-tensor';
import { createTinyModel, loadModel, type CausalLM } from '@medgpt/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bnbQuantizedWeight } from '../bnb/bnb-quantized-weight.js';
import { dequantizeBnbWeight, quantizeBnbWeight, type QuantizeBnbOptions } from '../bnb/bnb-weight.js';
import { loadKbitModel } from './load-kbit-model.js';
import { loadQuantizedModel } from './load-quantized-model.js';
import { quantizeCheckpoint } from './quantize-checkpoint.js';

let root: string;
let llama: string; // float32, separate lm_head
let qwenBf16: string; // bfloat16, tied embeddings
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-kbit-'));
  llama = (
    await createTinyModel(
      { architecture: 'llama', seed: 21, tieWordEmbeddings: false, initializerRange: 0.1 },
      join(root, 'llama'),
    )
  ).dir;
  qwenBf16 = (
    await createTinyModel({ architecture: 'qwen2', seed: 22, dtype: 'bfloat16' }, join(root, 'qwen-bf16'))
  ).dir;
});
afterAll(() => rm(root, { recursive: true, force: true }));

const IDS = [3, 77, 104, 101, 108, 108, 111, 32, 100, 111, 99, 116, 111, 114, 46, 10];

function logitsOf(model: CausalLM): Float32Array {
  return tf.tidy(() =>
    model.forward({ inputIds: tf.tensor2d([IDS], [1, IDS.length], 'int32') }).dataSync(),
  ) as Float32Array;
}

/** Deterministic weights with a few large values, so blocks and rows get different scales. */
function weightValues(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, (_, i) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const v = (s / 2 ** 32 - 0.5) * 0.2;
    return i % 97 === 0 ? v * 30 : v;
  });
}

describe.each(['cpu', 'wasm'])('bnbQuantizedWeight on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  const cases: [string, QuantizeBnbOptions][] = [
    ['nf4, double quant, bf16', { bits: 4, quantType: 'nf4', compressStatistics: true, dtype: 'bfloat16' }],
    ['fp4, blocksize 128, f16', { bits: 4, quantType: 'fp4', blocksize: 128, dtype: 'float16' }],
    ['nf4, float32', { bits: 4, quantType: 'nf4' }],
    ['int8', { bits: 8 }],
  ];
  for (const [label, options] of cases) {
    it(`${label}: the backend dequantises to dequantizeBnbWeight's values, bit for bit`, () =>
      expectNoLeak(() => {
        const shape = [48, 80];
        const w = quantizeBnbWeight(weightValues(48 * 80, 5), shape, options);
        const q = bnbQuantizedWeight(w);
        const values = q.dequantize();
        expect(values.shape).toEqual(shape);
        expect(Array.from(values.dataSync())).toEqual(Array.from(dequantizeBnbWeight(w)));
        expect(q.byteSize).toBeLessThan(48 * 80 * (options.bits === 4 ? 1 : 2));
        values.dispose();
        q.dispose();
      }));
  }
});

describe('loadKbitModel', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const [label, dir, dtype] of [
    ['llama float32', () => llama, 'float32'],
    ['qwen2 bfloat16', () => qwenBf16, 'bfloat16'],
  ] as const) {
    it(`${label}: quantising as it loads gives the model that a bnb checkpoint dequantises to`, async () => {
      const before = tf.memory().numTensors;
      const out = join(root, `${label.replace(' ', '-')}-nf4`);
      await quantizeCheckpoint({
        model: dir(),
        outputDir: out,
        bits: 4,
        quantType: 'nf4',
        doubleQuant: true,
      });
      const { model: dense } = await loadQuantizedModel(out);
      const kbit = { bits: 4, quantType: 'nf4', doubleQuant: true } as const;
      const loaded = await loadKbitModel(dir(), kbit);
      const { model } = loaded;
      expect(loaded.prequantized).toBe(false);
      expect(loaded.quantization).toMatchObject({
        load_in_4bit: true,
        bnb_4bit_quant_type: 'nf4',
        bnb_4bit_use_double_quant: true,
      });
      expect(dense.quantized.size).toBe(0);
      expect(model.quantized.size).toBe(7 * model.config.numHiddenLayers);
      expect([...model.quantized.values()].every((q) => q.format === 'nf4')).toBe(true);
      expect(model.parameterBytes).toBeLessThan(dense.parameterBytes);
      const a = logitsOf(model);
      expect(Array.from(a)).toEqual(Array.from(logitsOf(dense)));
      // The bnb checkpoint itself loads with its weights kept quantised: the same model again.
      const pre = await loadKbitModel(out, { bits: 8 });
      expect(pre.prequantized).toBe(true);
      expect(pre.quantization.bnb_4bit_quant_type).toBe('nf4');
      expect(pre.model.quantized.size).toBe(model.quantized.size);
      expect(Array.from(logitsOf(pre.model))).toEqual(Array.from(a));
      expect(model.config.dtype).toBe(dtype);
      for (const m of [dense, model, pre.model]) m.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('8-bit: LLM.int8() weights, forward close to the float model', async () => {
    const float = await loadModel(llama);
    const { model, quantization } = await loadKbitModel(llama, { bits: 8 });
    expect(quantization.load_in_8bit).toBe(true);
    expect([...model.quantized.values()].every((q) => q.format === 'int8')).toBe(true);
    const a = logitsOf(model);
    const b = logitsOf(float);
    const err = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    const scale = b.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(err).toBeGreaterThan(0);
    expect(err).toBeLessThan(0.05 * scale);
    float.dispose();
    model.dispose();
  });

  it('names a bad option', async () => {
    await expect(loadKbitModel(llama, { bits: 3 as 4 })).rejects.toThrow(/loadKbitModel: key "bits": 3/);
    await expect(loadKbitModel(llama, { bits: 4, blocksize: 100 })).rejects.toThrow(/blocksize/);
  });
});
