import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  expectNoLeak,
  Generator,
  SafetensorsFile,
  tf,
  writeSafetensors,
  type SafetensorsArray,
} from '@medgpt/core-tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dequantizeBnbWeight, quantizeBnbWeight, type BnbWeight } from './bnb-weight.js';
import { bnbWeightTensors } from './bnb-weight-tensors.js';
import { loadBnbWeight } from './load-bnb-weight.js';
import { quantizeBnbTensor } from './quantize-bnb-tensor.js';
import { bnbFormatOf, readBnbWeight } from './read-bnb-weight.js';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'medgpt-bnb-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bitsOf = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** A seeded weight like a linear layer's, with one all-zero row and an odd element count. */
function weight(rows: number, cols: number, seed: number): Float32Array {
  const w = new Generator(seed).normal(rows * cols, 0, 0.02);
  w.fill(0, 0, Math.min(cols, w.length)); // first row zero: a zero block
  return w;
}

async function roundTrip(name: string, values: Float32Array, shape: number[], q: BnbWeight) {
  const path = join(dir, `${name.replace(/\W/g, '_')}.safetensors`);
  await writeSafetensors(path, bnbWeightTensors(name, q), { metadata: { format: 'pt' } });
  const file = await SafetensorsFile.open(path);
  try {
    const back = await readBnbWeight(file, name);
    const expected = dequantizeBnbWeight(q);
    expect(bitsOf(dequantizeBnbWeight(back))).toEqual(bitsOf(expected));
    const loaded = await expectNoLeak(async () => {
      const t = await loadBnbWeight(file, name);
      const data = { shape: t.shape, values: (await t.data()) as Float32Array };
      t.dispose();
      return data;
    });
    expect(loaded.shape).toEqual(shape);
    expect(bitsOf(loaded.values)).toEqual(bitsOf(expected));
    return { back, file: file.names.slice(), path };
  } finally {
    await file.close();
  }
}

describe('bitsandbytes weights in safetensors (transformers layout)', () => {
  it('NF4 with double quantisation: quantise -> save -> load gives the same dequantised weights, bit for bit', async () => {
    const shape = [96, 200]; // 19200 values, 300 blocks of 64, 2 nested blocks
    const values = weight(96, 200, 1);
    const q = quantizeBnbWeight(values, shape, {
      bits: 4,
      quantType: 'nf4',
      compressStatistics: true,
      dtype: 'bfloat16',
    });
    const { back, file } = await roundTrip('model.layers.0.mlp.down_proj.weight', values, shape, q);
    expect(back).toEqual(q);
    expect(file.sort()).toEqual(
      [
        '',
        '.absmax',
        '.nested_absmax',
        '.nested_quant_map',
        '.quant_map',
        '.quant_state.bitsandbytes__nf4',
      ].map((s) => `model.layers.0.mlp.down_proj.weight${s}`),
    );
  });

  it('FP4 without double quantisation, odd element count', async () => {
    const shape = [7, 37];
    const values = weight(7, 37, 2);
    const q = quantizeBnbWeight(values, shape, { bits: 4, quantType: 'fp4', blocksize: 128 });
    const { back, path } = await roundTrip('lm.q_proj.weight', values, shape, q);
    expect(back).toEqual(q);
    await using f = await SafetensorsFile.open(path);
    expect(f.info('lm.q_proj.weight')).toMatchObject({ dtype: 'U8', shape: [130, 1] });
    expect(f.info('lm.q_proj.weight.absmax')).toMatchObject({ dtype: 'F32', shape: [3] });
    expect(bnbFormatOf(f, 'lm.q_proj.weight')).toBe(4);
  });

  it('LLM.int8(): weight I8, SCB F32, weight_format U8 0', async () => {
    const values = weight(16, 24, 3);
    const q = quantizeBnbWeight(values, [16, 24], { bits: 8 });
    const { back, path } = await roundTrip('model.layers.1.self_attn.o_proj.weight', values, [16, 24], q);
    expect(back).toEqual(q);
    await using f = await SafetensorsFile.open(path);
    expect(f.info('model.layers.1.self_attn.o_proj.SCB')).toMatchObject({ dtype: 'F32', shape: [16] });
    expect(f.info('model.layers.1.self_attn.o_proj.weight_format')).toMatchObject({ dtype: 'U8', shape: [] });
    expect(bnbFormatOf(f, 'model.layers.1.self_attn.o_proj.weight')).toBe(8);
  });

  it('quantises a float32 tfjs tensor without making tensors', async () => {
    const t = tf.tensor(weight(4, 64, 4), [4, 64]);
    const q = await expectNoLeak(() => quantizeBnbTensor(t, { bits: 4 }));
    expect(q.bits === 4 && q.weight.shape).toEqual([4, 64]);
    t.dispose();
    const i = tf.tensor([1, 2], [2], 'int32');
    await expect(quantizeBnbTensor(i, { bits: 4, name: 'x.weight' })).rejects.toThrow(/"x\.weight".*int32/);
    i.dispose();
  });
});

describe('bitsandbytes weights: errors name the file, the tensor and the expected form', () => {
  const name = 'l.weight';
  let tensors: Map<string, SafetensorsArray>;
  beforeAll(() => {
    tensors = bnbWeightTensors(
      name,
      quantizeBnbWeight(weight(8, 64, 5), [8, 64], { bits: 4, compressStatistics: true }),
    );
  });

  async function readWith(
    change: (m: Map<string, SafetensorsArray>) => void,
    wname = name,
  ): Promise<unknown> {
    const m = new Map(tensors);
    change(m);
    const path = join(dir, `bad-${Math.random().toString(36).slice(2)}.safetensors`);
    await writeSafetensors(path, m);
    await using f = await SafetensorsFile.open(path);
    return await readBnbWeight(f, wname);
  }

  it('missing weight.absmax', async () => {
    await expect(readWith((m) => m.delete(`${name}.absmax`))).rejects.toThrow(
      /bad-\w+\.safetensors: tensor "l\.weight\.absmax": missing; expected U8 \[8\], the double-quantised absmax/,
    );
  });

  it('wrong dtype', async () => {
    await expect(
      readWith((m) =>
        m.set(`${name}.nested_absmax`, { dtype: 'F16', shape: [1], data: new Uint16Array([0x3c00]) }),
      ),
    ).rejects.toThrow(
      /tensor "l\.weight\.nested_absmax": is F16 \[1\]; expected F32 \[1\], one per 256 absmax/,
    );
    await expect(
      readWith((m) => m.set(name, { dtype: 'I8', shape: [256, 1], data: new Int8Array(256) })),
    ).rejects.toThrow(
      /tensor "l\.weight": is I8 \[256,1\]; expected U8 \[256, 1\]: two 4-bit codes per byte/,
    );
  });

  it('quant_state JSON missing a key', async () => {
    const key = `${name}.quant_state.bitsandbytes__nf4`;
    const json = new TextDecoder().decode(tensors.get(key)!.data as Uint8Array);
    const broken = new TextEncoder().encode(json.replace(/, "nested_offset": [^}]*/, ''));
    await expect(
      readWith((m) => m.set(key, { dtype: 'U8', shape: [broken.length], data: broken })),
    ).rejects.toThrow(
      /tensor "l\.weight\.quant_state\.bitsandbytes__nf4": quant-state JSON has no "nested_offset" \(expected a finite number/,
    );
  });

  it('quant_type that disagrees with the tensor name, a foreign quant_map, missing nested tensors', async () => {
    const key = `${name}.quant_state.bitsandbytes__nf4`;
    const json = new TextDecoder().decode(tensors.get(key)!.data as Uint8Array).replace('"nf4"', '"fp4"');
    const b = new TextEncoder().encode(json);
    await expect(readWith((m) => m.set(key, { dtype: 'U8', shape: [b.length], data: b }))).rejects.toThrow(
      /"quant_type" is "fp4" but the tensor name ends in __nf4/,
    );
    await expect(
      readWith((m) => m.set(`${name}.quant_map`, { dtype: 'F32', shape: [16], data: new Float32Array(16) })),
    ).rejects.toThrow(/"l\.weight\.quant_map": value 0 at index 0 is not bitsandbytes' nf4 code value -1/);
    await expect(
      readWith((m) => {
        m.delete(`${name}.nested_absmax`);
        m.delete(`${name}.nested_quant_map`);
      }),
    ).rejects.toThrow(/"l\.weight\.nested_absmax": missing; the quant state has nested_offset/);
  });

  it('a weight that is not quantised, or not there', async () => {
    await expect(
      readWith(
        (m) => m.set('plain.weight', { dtype: 'F32', shape: [1], data: new Float32Array(1) }),
        'plain.weight',
      ),
    ).rejects.toThrow(/tensor "plain\.weight": is not quantised by bitsandbytes/);
    await expect(readWith(() => {}, 'nope.weight')).rejects.toThrow(/tensor "nope\.weight": no such tensor/);
  });

  it('8-bit: bad SCB, bad weight_format', async () => {
    const m8 = bnbWeightTensors('a.weight', quantizeBnbWeight(weight(4, 8, 6), [4, 8], { bits: 8 }));
    const read8 = async (change: (m: Map<string, SafetensorsArray>) => void) => {
      const m = new Map(m8);
      change(m);
      const path = join(dir, `bad8-${Math.random().toString(36).slice(2)}.safetensors`);
      await writeSafetensors(path, m);
      await using f = await SafetensorsFile.open(path);
      return await readBnbWeight(f, 'a.weight');
    };
    await expect(
      read8((m) => m.set('a.SCB', { dtype: 'F32', shape: [3], data: new Float32Array(3) })),
    ).rejects.toThrow(/tensor "a\.SCB": is F32 \[3\]; expected F32 \[4\], the absmax of each row/);
    await expect(
      read8((m) => m.set('a.weight_format', { dtype: 'U8', shape: [], data: new Uint8Array([2]) })),
    ).rejects.toThrow(/"a\.weight_format": is \[2\]; only 0 \("row"/);
    await expect(
      read8((m) => m.set('a.weight', { dtype: 'F32', shape: [4, 8], data: new Float32Array(32) })),
    ).rejects.toThrow(
      /tensor "a\.weight": is F32 \[4,8\]; an 8-bit weight with "a\.SCB" is I8 \[out_features, in_features\]/,
    );
  });
});
