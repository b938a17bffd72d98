import '@tensorflow/tfjs-backend-cpu';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tf } from '../tf.js';
import { fixturePath, loadFixtureTensors, sameElements } from './load-fixture-tensors.js';
import { SafetensorsCheckpoint } from './safetensors-checkpoint.js';
import { SafetensorsError } from './safetensors-error.js';
import { SafetensorsFile } from './safetensors-file.js';
import { writeSafetensors } from './write-safetensors.js';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'medgpt-st-ckpt-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sharded = fixturePath('py-sharded');
const fixture = loadFixtureTensors('py-sharded.json');

describe('a sharded checkpoint written by huggingface_hub', () => {
  it('lists the index, opens each shard only when first needed and reads every value', async () => {
    const opens = vi.spyOn(SafetensorsFile, 'open');
    try {
      await using ckpt = await SafetensorsCheckpoint.open(sharded);
      expect(opens).not.toHaveBeenCalled();
      expect(ckpt.index?.metadata).toEqual({ total_size: 5220 });
      expect([...ckpt.names].sort()).toEqual([...fixture.tensors.keys()].sort());
      expect(ckpt.files.length).toBe(3);
      for (const [name, want] of fixture.tensors) {
        const got = await ckpt.readArray(name);
        expect([got.dtype, got.shape]).toEqual([want.dtype, want.shape]);
        expect(sameElements(got.data, want.data), name).toBeUndefined();
      }
      expect(opens).toHaveBeenCalledTimes(3); // once per shard, however many tensors it holds
      expect((await ckpt.file('a.weight')).metadata).toEqual({ format: 'pt' });
    } finally {
      opens.mockRestore();
    }
  });

  it('opens from the index file itself and gives tfjs tensors without leaks', async () => {
    await using ckpt = await SafetensorsCheckpoint.open(join(sharded, 'model.safetensors.index.json'));
    const before = tf.memory().numTensors;
    const t = await ckpt.readTensor('b.weight');
    expect(t.shape).toEqual([20, 10]);
    expect(sameElements(t.dataSync(), fixture.tensors.get('b.weight')!.data as Float32Array)).toBeUndefined();
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect((await ckpt.info('c.bias')).dtype).toBe('F32');
    expect(ckpt.fileFor('e.weight')).toBe(join(sharded, 'model-00002-of-00003.safetensors'));
  });
});

describe('single files and prefixes', () => {
  it('prefers <prefix>.safetensors in a directory, and opens a file path directly', async () => {
    const sub = mkdtempSync(join(dir, 'single-'));
    await writeSafetensors(join(sub, 'adapter_model.safetensors'), { w: tf.tensor([1, 2]) });
    cpSync(join(sharded, 'model.safetensors.index.json'), join(sub, 'adapter_model.safetensors.index.json'));
    for (const ckpt of [
      await SafetensorsCheckpoint.open(sub, { prefix: 'adapter_model' }),
      await SafetensorsCheckpoint.open(join(sub, 'adapter_model.safetensors')),
    ]) {
      expect(ckpt.index).toBeUndefined();
      expect(ckpt.names).toEqual(['w']);
      expect(Array.from((await ckpt.readArray('w')).data as Float32Array)).toEqual([1, 2]);
      await ckpt.close();
      await expect(ckpt.readArray('w')).rejects.toThrow(/tensor "w": checkpoint is closed/);
    }
  });
});

describe('bad checkpoints', () => {
  const withIndex = (index: unknown): string => {
    const sub = mkdtempSync(join(dir, 'bad-'));
    cpSync(sharded, sub, { recursive: true });
    writeFileSync(
      join(sub, 'model.safetensors.index.json'),
      typeof index === 'string' ? index : JSON.stringify(index),
    );
    return sub;
  };

  it('names a directory without weights', async () => {
    const e = await SafetensorsCheckpoint.open(mkdtempSync(join(dir, 'none-'))).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(SafetensorsError);
    expect((e as Error).message).toMatch(
      /found neither model\.safetensors nor model\.safetensors\.index\.json/,
    );
  });

  it.each([
    ['not JSON', '{"weight_map": ', /index\.json: not valid JSON/],
    ['no weight_map', { metadata: {} }, /expected an object with a "weight_map" object/],
    [
      'a path escaping the directory',
      { weight_map: { x: '../model.safetensors' } },
      /weight_map\["x"\] = "\.\.\/model\.safetensors"; expected a relative \*\.safetensors path/,
    ],
    ['an absolute path', { weight_map: { x: '/etc/model.safetensors' } }, /expected a relative/],
    [
      'a pickle shard',
      { weight_map: { x: 'pytorch_model-00001-of-00002.bin' } },
      /expected a relative \*\.safetensors path/,
    ],
  ])('rejects an index with %s', async (_, index, message) => {
    await expect(SafetensorsCheckpoint.open(withIndex(index))).rejects.toThrow(message);
  });

  it('names a shard that lacks a tensor the index places in it, and a missing shard', async () => {
    const sub = withIndex({
      metadata: {},
      weight_map: {
        'a.weight': 'model-00002-of-00003.safetensors',
        'z.weight': 'model-00009-of-00009.safetensors',
      },
    });
    await using ckpt = await SafetensorsCheckpoint.open(sub);
    const e = await ckpt.readTensor('a.weight').catch((err: unknown) => err);
    expect(e).toBeInstanceOf(SafetensorsError);
    expect((e as SafetensorsError).tensor).toBe('a.weight');
    expect((e as Error).message).toMatch(
      /model-00002-of-00003\.safetensors: tensor "a\.weight": the index .* places 1 tensor\(s\) here that the file lacks/,
    );
    await expect(ckpt.readTensor('z.weight')).rejects.toThrow(
      /model-00009-of-00009\.safetensors: cannot open: ENOENT/,
    );
    expect(() => ckpt.fileFor('nope')).toThrow(
      /tensor "nope": no such tensor; the checkpoint holds 2 tensors/,
    );
  });
});
