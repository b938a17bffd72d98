import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bf16ToFloat32,
  expectNoLeak,
  float32ToBf16,
  Generator,
  initTensor,
  SafetensorsCheckpoint,
  tf,
} from '@medgpt/core-tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CausalLM } from '../model/causal-lm.js';
import { fixtureDir } from '../test-fixtures.js';
import { createTinyModel } from '../tiny/create-tiny-model.js';
import { SCORE } from '../weights/parameter-specs.js';
import { loadModel } from './load-model.js';
import { saveModel } from './save-model.js';

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-classifier-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

type Json = Record<string, unknown>;
const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Json;
const int2d = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');
const ids = [
  [3, 4, 5, 0, 0],
  [0, 6, 7, 8, 9],
];
const scoresOf = (model: CausalLM) =>
  tf.tidy(() =>
    model
      .scores({ inputIds: int2d(ids), attentionMask: int2d(ids.map((r) => r.map((x) => (x ? 1 : 0)))) })
      .arraySync(),
  );
const valuesOf = (model: CausalLM) =>
  new Map([...model.weights].map(([n, w]) => [n, Array.from(w.dataSync())]));
const normal = (shape: number[], std: number, seed: number) =>
  tf.tidy(() => Array.from(initTensor(shape, { kind: 'normal', std }, new Generator(seed)).dataSync()));

describe('loading a causal-LM checkpoint as a sequence classifier (numLabels)', () => {
  it('keeps the body, ignores lm_head and draws score.weight from normal(0, initializer_range) with the seed', async () => {
    const lm = await loadModel(fixtureDir('llama')); // untied: the file has lm_head.weight
    const rm1 = await loadModel(fixtureDir('llama'), { numLabels: 1, scoreSeed: 3 });
    expect(rm1.config.className).toBe('LlamaForSequenceClassification');
    expect(rm1.config.numLabels).toBe(1);
    expect(rm1.weights.has('lm_head.weight')).toBe(false);
    const body = valuesOf(lm);
    body.delete('lm_head.weight');
    const got = valuesOf(rm1);
    expect(got.get(SCORE)).toEqual(normal([1, 16], 0.02, 3)); // config.json: initializer_range 0.02
    got.delete(SCORE);
    expect(got).toEqual(body);
    // The same seed gives the same head; another seed another one.
    const again = await loadModel(fixtureDir('llama'), { numLabels: 1, scoreSeed: 3 });
    expect(scoresOf(again)).toEqual(scoresOf(rm1));
    const other = await loadModel(fixtureDir('llama'), { numLabels: 1, scoreSeed: 4 });
    expect(Array.from(other.scoreWeight.dataSync())).not.toEqual(Array.from(rm1.scoreWeight.dataSync()));
    for (const m of [lm, rm1, again, other]) m.dispose();
  });

  it('takes std from config.json (0.02 without the key) and rounds the head to a bf16 model', async () => {
    const dir = join(root, 'wide-init');
    await cp(fixtureDir('qwen2'), dir, { recursive: true });
    const config = await readJson(join(dir, 'config.json'));
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, initializer_range: 0.5 }));
    const wide = await loadModel(dir, { numLabels: 3, scoreSeed: 1 });
    expect(Array.from(wide.scoreWeight.dataSync())).toEqual(normal([3, 16], 0.5, 1));
    wide.dispose();
    const { initializer_range: _r, ...without } = config;
    await writeFile(join(dir, 'config.json'), JSON.stringify(without));
    const plain = await loadModel(dir, { numLabels: 1 }); // scoreSeed defaults to 0
    expect(Array.from(plain.scoreWeight.dataSync())).toEqual(normal([1, 16], 0.02, 0));
    plain.dispose();
    const bf16 = await loadModel(fixtureDir('qwen2'), { numLabels: 2, dtype: 'bfloat16' });
    const w = bf16.scoreWeight.dataSync() as Float32Array;
    expect(Array.from(w)).toEqual(
      Array.from(bf16ToFloat32(float32ToBf16(new Float32Array(normal([2, 16], 0.02, 0))))),
    );
    bf16.dispose();
  });

  it('frees everything it loaded (no tensor leak)', async () => {
    await expectNoLeak(async () => {
      const model = await loadModel(fixtureDir('llama'), { numLabels: 2 });
      scoresOf(model);
      model.dispose();
    });
  });

  it('refuses a bad numLabels', async () => {
    for (const n of [0, 1.5, -1])
      await expect(loadModel(fixtureDir('llama'), { numLabels: n })).rejects.toThrow(
        new RegExp(`numLabels is ${n}; expected a positive integer`),
      );
  });
});

describe('saving and loading a sequence classifier', () => {
  it.each(['llama', 'qwen2'] as const)(
    '%s: writes score.weight and a config.json for AutoModelForSequenceClassification, and loads back the same scores',
    async (name) => {
      const model = await loadModel(fixtureDir(name), { numLabels: 1, scoreSeed: 9 });
      model.setPadTokenId(2); // pad == eos, as a trainer sets it from a Qwen tokenizer
      const dir = join(root, `saved-${name}`);
      await saveModel(model, dir);
      expect((await readdir(dir)).sort()).toEqual(['config.json', 'model.safetensors']);
      const original = await readJson(join(fixtureDir(name), 'config.json'));
      expect(await readJson(join(dir, 'config.json'))).toEqual({
        ...original,
        architectures: [`${name === 'llama' ? 'Llama' : 'Qwen2'}ForSequenceClassification`],
        id2label: { '0': 'LABEL_0' },
        label2id: { LABEL_0: 0 },
        pad_token_id: 2,
      });
      const ckpt = await SafetensorsCheckpoint.open(dir);
      expect(ckpt.names).toContain(SCORE);
      expect(ckpt.names).not.toContain('lm_head.weight');
      expect((await ckpt.info(SCORE)).shape).toEqual([1, 16]);
      await ckpt.close();

      const back = await loadModel(dir);
      expect([back.config.className, back.config.numLabels, back.config.padTokenId]).toEqual([
        model.config.className,
        1,
        2,
      ]);
      expect(valuesOf(back)).toEqual(valuesOf(model));
      expect(scoresOf(back)).toEqual(scoresOf(model));
      // Asking for the labels it has is fine; other counts are refused, naming the file.
      (await loadModel(dir, { numLabels: 1 })).dispose();
      await expect(loadModel(dir, { numLabels: 2 })).rejects.toThrow(
        /config.json: "id2label": this \w+ForSequenceClassification checkpoint has 1 label\(s\) but the numLabels option asks for 2/,
      );
      // Saving again writes the same config.json (nothing added on the way).
      await saveModel(back, join(root, `resaved-${name}`));
      expect(await readFile(join(root, `resaved-${name}`, 'config.json'), 'utf8')).toBe(
        await readFile(join(dir, 'config.json'), 'utf8'),
      );
      for (const m of [model, back]) m.dispose();
    },
  );

  it('loads a classifier as a causal LM only with tied embeddings, else names the file and what to do', async () => {
    const untied = join(root, 'saved-llama');
    await expect(loadModel(untied, { numLabels: null })).rejects.toThrow(
      /saved-llama\/config.json: "architectures": this LlamaForSequenceClassification checkpoint has a score head and no lm_head.weight .*load it as a classifier \(leave numLabels unset\)/,
    );
    const lm = await loadModel(join(root, 'saved-qwen2'), { numLabels: null });
    expect([lm.config.className, lm.config.numLabels, lm.weights.has(SCORE)]).toEqual([
      'Qwen2ForCausalLM',
      null,
      false,
    ]);
    expect(lm.rawConfig.architectures).toEqual(['Qwen2ForCausalLM']);
    expect(lm.rawConfig.id2label).toBeUndefined();
    const fixture = await loadModel(fixtureDir('qwen2'));
    const logits = (m: CausalLM) => tf.tidy(() => Array.from(m.forward({ inputIds: int2d(ids) }).dataSync()));
    expect(logits(lm)).toEqual(logits(fixture));
    lm.dispose();
    fixture.dispose();
  });

  it('refuses a classifier config.json whose checkpoint has no score.weight', async () => {
    const dir = join(root, 'no-score');
    await cp(fixtureDir('qwen2'), dir, { recursive: true });
    const config = await readJson(join(dir, 'config.json'));
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({ ...config, architectures: ['Qwen2ForSequenceClassification'], num_labels: 1 }),
    );
    await expect(loadModel(dir)).rejects.toThrow(/no-score: "score.weight": missing from the checkpoint/);
  });

  it('createTinyModel writes a tiny classifier (no generation_config.json)', async () => {
    const dir = join(root, 'tiny-rm');
    const { config } = await createTinyModel({ architecture: 'qwen3', numLabels: 1, seed: 2 }, dir);
    expect([config.className, config.numLabels]).toEqual(['Qwen3ForSequenceClassification', 1]);
    expect(await readdir(dir)).not.toContain('generation_config.json');
    const model = await loadModel(dir);
    expect(model.scoreWeight.shape).toEqual([1, 64]);
    model.dispose();
  });
});
