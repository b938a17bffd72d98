import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { fixturePath, loadFixtureTensors, sameElements } from './load-fixture-tensors.js';
import { SafetensorsCheckpoint } from './safetensors-checkpoint.js';
import { SafetensorsFile } from './safetensors-file.js';
import { writeSafetensorsCheckpoint } from './write-safetensors-checkpoint.js';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'medgpt-st-ckptw-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fresh = (name: string) => mkdtempSync(join(dir, `${name}-`));

describe('byte identity with huggingface_hub.save_torch_state_dict', () => {
  it('splits, names and writes shards and index exactly as Python did (max_shard_size=2000)', async () => {
    const py = fixturePath('py-sharded');
    const out = fresh('hf');
    const { tensors } = loadFixtureTensors('py-sharded.json'); // in the state dict's order
    const result = await writeSafetensorsCheckpoint(out, tensors, { maxShardSize: 2000 });
    expect(readdirSync(out).sort()).toEqual(readdirSync(py).sort());
    for (const name of readdirSync(py)) {
      expect(readFileSync(join(out, name)).equals(readFileSync(join(py, name))), name).toBe(true);
    }
    expect(result.indexFile).toBe(join(out, 'model.safetensors.index.json'));
    expect(result.totalSize).toBe(
      JSON.parse(readFileSync(join(py, 'model.safetensors.index.json'), 'utf8')).metadata.total_size,
    );
  });
});

describe('writing checkpoints', () => {
  const weights = () => ({
    'embed.weight': tf.tensor([1, 2, 3, 4], [2, 2]),
    'norm.weight': tf.tensor([0.5, 0.25]),
    'head.weight': tf.tensor([-1, -2, -3, -4], [2, 2]),
  });

  it('writes one <prefix>.safetensors with the user metadata when everything fits', async () => {
    const out = fresh('single');
    const w = weights();
    const result = await writeSafetensorsCheckpoint(out, w, {
      prefix: 'adapter_model',
      metadata: { base: 'qwen' },
    });
    // 10 float32 elements: 40 bytes.
    expect(readdirSync(out)).toEqual(['adapter_model.safetensors']);
    expect(result).toEqual({
      files: [join(out, 'adapter_model.safetensors')],
      indexFile: undefined,
      totalSize: 40,
    });
    await using f = await SafetensorsFile.open(result.files[0]!);
    expect(f.metadata).toEqual({ format: 'pt', base: 'qwen' });
    tf.dispose(Object.values(w));
  });

  it('shards by the size in the target dtype, and the reader gets the values back', async () => {
    const out = fresh('bf16');
    const w = weights();
    // 8 + 4 + 8 bytes in BF16: a 12-byte limit gives [embed, norm] and [head].
    const result = await writeSafetensorsCheckpoint(out, w, {
      maxShardSize: 12,
      dtype: 'BF16',
      metadata: { note: 'x' },
    });
    expect(readdirSync(out).sort()).toEqual([
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
      'model.safetensors.index.json',
    ]);
    const index = JSON.parse(readFileSync(result.indexFile!, 'utf8'));
    expect(index.metadata).toEqual({ total_size: 20, note: 'x' });
    expect(Object.values(index.weight_map)).toEqual([
      'model-00001-of-00002.safetensors',
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
    ]);
    await using ckpt = await SafetensorsCheckpoint.open(out);
    for (const [name, t] of Object.entries(w)) {
      expect((await ckpt.info(name)).dtype).toBe('BF16');
      const got = await ckpt.readTensor(name);
      expect(sameElements(got.dataSync(), t.dataSync())).toBeUndefined();
      tf.dispose([got, t]);
    }
  });

  it('accepts sizes like "1KB" and removes shards and index left by an earlier save', async () => {
    const out = fresh('stale');
    const big = { dtype: 'F32' as const, shape: [300], data: new Float32Array(300) };
    await writeSafetensorsCheckpoint(out, { a: big, b: big, c: big }, { maxShardSize: '1.3KB' });
    writeFileSync(join(out, 'config.json'), '{}');
    writeFileSync(join(out, 'other.safetensors'), '');
    expect(readdirSync(out).filter((n) => n.startsWith('model'))).toHaveLength(4);
    await writeSafetensorsCheckpoint(out, { a: big }, { maxShardSize: '1.3KB' });
    expect(readdirSync(out).sort()).toEqual(['config.json', 'model.safetensors', 'other.safetensors']);
  });

  it('rejects a prefix that is a path and a size it cannot read', async () => {
    await expect(writeSafetensorsCheckpoint(fresh('bad'), {}, { prefix: '../model' })).rejects.toThrow(
      /prefix "\.\.\/model" must be a plain file name part/,
    );
    await expect(writeSafetensorsCheckpoint(fresh('bad'), {}, { maxShardSize: '5 parsecs' })).rejects.toThrow(
      /cannot read size "5 parsecs"/,
    );
  });
});
