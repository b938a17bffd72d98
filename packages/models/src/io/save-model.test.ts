import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bf16ToFloat32,
  float32ToBf16,
  SafetensorsCheckpoint,
  tf,
  writeSafetensorsCheckpoint,
} from '@medgpt/core-tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_NAMES, fixtureDir } from '../test-fixtures.js';
import { loadModel } from './load-model.js';
import { saveModel } from './save-model.js';

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-save-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;

async function weightsOf(dir: string, options = {}): Promise<Map<string, Float32Array>> {
  const model = await loadModel(dir, options);
  const out = new Map([...model.weights].map(([n, w]) => [n, w.dataSync() as Float32Array]));
  model.dispose();
  return out;
}

describe('saveModel', () => {
  it.each(FIXTURE_NAMES)("%s: saves what it loaded, in transformers' layout", async (name) => {
    const model = await loadModel(fixtureDir(name));
    const dir = join(root, name);
    const before = tf.memory().numTensors;
    await saveModel(model, dir);
    expect(tf.memory().numTensors).toBe(before);
    expect((await readdir(dir)).sort()).toEqual([
      'config.json',
      'generation_config.json',
      'model.safetensors',
    ]);
    // transformers' own text: sorted keys, 2-space indent, floats kept as floats.
    for (const file of ['config.json', 'generation_config.json']) {
      expect(await readFile(join(dir, file), 'utf8'), file).toBe(
        await readFile(join(fixtureDir(name), file), 'utf8'),
      );
    }
    const saved = await SafetensorsCheckpoint.open(dir);
    const original = await SafetensorsCheckpoint.open(fixtureDir(name));
    expect([...saved.names].sort()).toEqual([...original.names].sort());
    for (const n of original.names) {
      expect((await saved.info(n)).dtype, n).toBe((await original.info(n)).dtype);
      expect(Buffer.from(await saved.readBytes(n)).equals(Buffer.from(await original.readBytes(n))), n).toBe(
        true,
      );
    }
    await Promise.all([saved.close(), original.close()]);
    expect(await weightsOf(dir)).toEqual(await weightsOf(fixtureDir(name)));
    model.dispose();
  });

  it('shards with an index under a small max shard size, and loads the shards back', async () => {
    const model = await loadModel(fixtureDir('llama'));
    const dir = join(root, 'llama-sharded');
    const result = await saveModel(model, dir, { maxShardSize: 8000 });
    expect(result.files.length).toBeGreaterThan(2);
    const index = await readJson(join(dir, 'model.safetensors.index.json'));
    expect(Object.keys(index.weight_map as object).length).toBe(model.weights.size);
    expect(await weightsOf(dir)).toEqual(await weightsOf(fixtureDir('llama')));
    model.dispose();
  });

  it('stores bf16 when asked, rounding each weight, and records the dtype in config.json', async () => {
    const model = await loadModel(fixtureDir('qwen2'));
    const dir = join(root, 'qwen2-as-bf16');
    await saveModel(model, dir, { dtype: 'bfloat16' });
    const config = await readJson(join(dir, 'config.json'));
    expect(config.dtype).toBe('bfloat16');
    const ckpt = await SafetensorsCheckpoint.open(dir);
    expect((await ckpt.info('model.norm.weight')).dtype).toBe('BF16');
    await ckpt.close();
    const reloaded = await weightsOf(dir);
    for (const [n, w] of await weightsOf(fixtureDir('qwen2'))) {
      expect(Array.from(reloaded.get(n)!), n).toEqual(Array.from(bf16ToFloat32(float32ToBf16(w))));
    }
    // Loading the float32 fixture with dtype bfloat16 rounds the same way.
    expect(await weightsOf(fixtureDir('qwen2'), { dtype: 'bfloat16' })).toEqual(reloaded);
    model.dispose();
  });
});

describe('loadModel refuses bad checkpoints, naming file and tensor', () => {
  async function variant(name: string, edit: (tensors: Map<string, tf.Tensor>) => void): Promise<string> {
    const dir = join(root, `bad-${name}`);
    await cp(fixtureDir('llama'), dir, { recursive: true });
    await rm(join(dir, 'model.safetensors'));
    const model = await loadModel(fixtureDir('llama'));
    const tensors = new Map(model.weights);
    edit(tensors);
    await writeSafetensorsCheckpoint(dir, tensors);
    model.dispose();
    for (const t of tensors.values()) if (!t.isDisposed) t.dispose();
    return dir;
  }

  it('a missing tensor', async () => {
    const dir = await variant('missing', (t) => t.delete('model.layers.1.mlp.up_proj.weight'));
    await expect(loadModel(dir)).rejects.toThrow(
      /"model.layers.1.mlp.up_proj.weight": missing from the checkpoint/,
    );
  });

  it('a tensor of the wrong shape', async () => {
    const dir = await variant('shape', (t) => t.set('model.norm.weight', tf.zeros([15])));
    await expect(loadModel(dir)).rejects.toThrow(
      /model.safetensors: "model.norm.weight": has shape \[15\]; the config gives \[16\]/,
    );
  });

  it('an unexpected tensor, unless allowed', async () => {
    const dir = await variant('extra', (t) => t.set('score.weight', tf.zeros([1, 16])));
    await expect(loadModel(dir)).rejects.toThrow(/"score.weight": the checkpoint holds 1 tensor\(s\)/);
    const model = await loadModel(dir, { allowUnexpectedWeights: true });
    expect(model.weights.has('score.weight')).toBe(false);
    model.dispose();
  });

  it('an integer tensor', async () => {
    const dir = await variant('int', (t) => t.set('model.norm.weight', tf.zeros([16], 'int32')));
    await expect(loadModel(dir)).rejects.toThrow(
      /"model.norm.weight": has dtype I32; expected a float dtype/,
    );
  });

  it('a broken config.json', async () => {
    const dir = join(root, 'bad-json');
    await cp(fixtureDir('llama'), dir, { recursive: true });
    await writeFile(join(dir, 'config.json'), '{"model_type": ');
    await expect(loadModel(dir)).rejects.toThrow(/bad-json\/config.json: not valid JSON/);
  });
});
