// transformers 5's fused expert tensors (gate_up_proj [E, 2I, H], down_proj [E, H, I]) load as the
// per-expert parameters of the per-expert checkpoint of the same model (both written by
// tools/fixtures/make_moe_fixtures.py), and save back in the per-expert layout transformers writes.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafetensorsCheckpoint, tf, writeSafetensorsCheckpoint } from '@medgpt/core-tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../io/load-model.js';
import { saveModel } from '../io/save-model.js';
import { ModelError } from '../model-error.js';
import { fixtureDir, maxAbsDiffAtRealTokens, readExpected } from '../test-fixtures.js';

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-fused-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const int2d = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');

describe.each(['mixtral', 'qwen3-moe'])('%s-fused', (name) => {
  it('loads to the same parameters as the per-expert checkpoint, and the same logits', async () => {
    const ckpt = await SafetensorsCheckpoint.open(fixtureDir(`${name}-fused`));
    expect(ckpt.names.some((n) => n.endsWith('mlp.experts.gate_up_proj'))).toBe(true);
    expect(ckpt.names.some((n) => /experts\.\d+\./.test(n))).toBe(false);
    await ckpt.close();
    const fused = await loadModel(fixtureDir(`${name}-fused`));
    const perExpert = await loadModel(fixtureDir(name));
    expect([...fused.weights.keys()].sort()).toEqual([...perExpert.weights.keys()].sort());
    for (const [n, w] of perExpert.weights) expect(fused.weight(n).dataSync(), n).toEqual(w.dataSync());
    const e = readExpected(name);
    const logits = tf.tidy(() =>
      fused.forward({ inputIds: int2d(e.input_ids), attentionMask: int2d(e.attention_mask) }).dataSync(),
    ) as Float32Array;
    expect(maxAbsDiffAtRealTokens(logits, e.logits, e.attention_mask)).toBeLessThan(1e-4);
    perExpert.dispose();

    // Saved in the layout transformers 5.17's save_pretrained writes: the per-expert checkpoint's names.
    await saveModel(fused, join(root, name));
    fused.dispose();
    const saved = await SafetensorsCheckpoint.open(join(root, name));
    const original = await SafetensorsCheckpoint.open(fixtureDir(name));
    expect([...saved.names].sort()).toEqual([...original.names].sort());
    await Promise.all([saved.close(), original.close()]);
  });

  it('refuses a fused tensor of the wrong shape, naming it and the shape expected', async () => {
    const dir = join(root, `${name}-bad`);
    await cp(fixtureDir(`${name}-fused`), dir, { recursive: true });
    const ckpt = await SafetensorsCheckpoint.open(dir);
    const tensors = new Map<string, tf.Tensor>();
    for (const n of ckpt.names) {
      const t = await ckpt.readTensor(n);
      // One expert short: [E - 1, 2I, H].
      const bad = n.endsWith('layers.0.mlp.experts.gate_up_proj');
      tensors.set(n, bad ? tf.slice(t, [1, 0, 0], [t.shape[0]! - 1, -1, -1]) : t);
      if (bad) t.dispose();
    }
    await ckpt.close();
    await writeSafetensorsCheckpoint(dir, tensors);
    tf.dispose([...tensors.values()]);
    const error = await loadModel(dir).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).field).toBe('model.layers.0.mlp.experts.gate_up_proj');
    expect((error as Error).message).toMatch(/has shape \[3,16,16\]; expected \[4,16,16\]/);
  });
});

it('a checkpoint with neither layout names the missing per-expert tensor', async () => {
  const dir = join(root, 'no-experts');
  await cp(fixtureDir('mixtral-fused'), dir, { recursive: true });
  const ckpt = await SafetensorsCheckpoint.open(dir);
  const tensors = new Map<string, tf.Tensor>();
  for (const n of ckpt.names)
    if (!n.includes('layers.1.mlp.experts')) tensors.set(n, await ckpt.readTensor(n));
  await ckpt.close();
  await writeSafetensorsCheckpoint(dir, tensors);
  tf.dispose([...tensors.values()]);
  await expect(loadModel(dir)).rejects.toThrow(
    /model\.layers\.1\.block_sparse_moe\.gate\.weight.*missing.*experts\.0\.w1\.weight/,
  );
});
