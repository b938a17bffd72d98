import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SafetensorsCheckpoint,
  tf,
  writeSafetensorsCheckpoint,
  type SafetensorsArray,
} from '@medgpt/core-tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../io/load-model.js';
import { createTinyModel } from '../tiny/create-tiny-model.js';
import type { WeightReader } from './weight-reader.js';

// A made-up storage form: a weight as int8 codes (I8) beside "<weight>.scale" (F32 scalar).
const NAME = 'model.layers.1.mlp.up_proj.weight';
const int8Reader: WeightReader = {
  ownsTensor: (name) => name.endsWith('.weight.scale'),
  async read(name, ckpt) {
    if (!ckpt.has(`${name}.scale`)) return undefined;
    const codes = await ckpt.readArray(name);
    const scale = (await ckpt.readArray(`${name}.scale`)).data[0] as number;
    const data = Float32Array.from(codes.data as Int8Array, (c) => c * scale);
    return { dtype: 'F32', shape: codes.shape, data };
  },
};

let root: string;
let dir: string;
let codes: Int8Array;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-reader-'));
  const tiny = await createTinyModel({ architecture: 'qwen2', seed: 4 }, join(root, 'plain'));
  dir = join(root, 'int8');
  const tensors = new Map<string, SafetensorsArray>();
  await using ckpt = await SafetensorsCheckpoint.open(tiny.dir);
  for (const name of ckpt.names) tensors.set(name, await ckpt.readArray(name));
  const shape = tensors.get(NAME)!.shape;
  codes = Int8Array.from({ length: shape[0]! * shape[1]! }, (_, i) => ((i * 37) % 255) - 127);
  tensors.set(NAME, { dtype: 'I8', shape, data: codes });
  tensors.set(`${NAME}.scale`, { dtype: 'F32', shape: [], data: new Float32Array([0.01]) });
  await writeSafetensorsCheckpoint(dir, tensors);
  const { cp } = await import('node:fs/promises');
  for (const f of ['config.json', 'generation_config.json']) await cp(join(tiny.dir, f), join(dir, f));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('loadModel weightReader', () => {
  it('takes the parameters the reader reads, and accepts the tensors it owns', async () => {
    const model = await loadModel(dir, { weightReader: int8Reader });
    const got = model.weight(NAME).dataSync();
    expect([...got]).toEqual([...codes].map((c) => Math.fround(c * Math.fround(0.01))));
    model.dispose();
  });

  it('without the reader the same checkpoint is refused, naming the tensor', async () => {
    await expect(loadModel(dir)).rejects.toThrow(
      /"model\.layers\.1\.mlp\.up_proj\.weight\.scale": the checkpoint holds 1 tensor/,
    );
  });

  it('still checks what the reader returns', async () => {
    const wrong: WeightReader = {
      ownsTensor: int8Reader.ownsTensor,
      read: async (name, ckpt, spec) => {
        const a = (await int8Reader.read(name, ckpt, spec)) as SafetensorsArray | undefined;
        return a && { ...a, shape: [a.shape[1]!, a.shape[0]!] };
      },
    };
    await expect(loadModel(dir, { weightReader: wrong })).rejects.toThrow(
      /"model\.layers\.1\.mlp\.up_proj\.weight": has shape \[64,128\]; the config gives \[128,64\]/,
    );
  });
});
