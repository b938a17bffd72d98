import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeness, dropout, expectNoLeak, Generator, tf, valueAndGrads } from '@medgpt/core-tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../io/load-model.js';
import { createTinyModel } from '../tiny/create-tiny-model.js';
import type { CausalLM } from './causal-lm.js';
import { linear } from './linear.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'medgpt-ckpt-'));
});
afterAll(async () => {
  await tf.setBackend('cpu');
  await rm(dir, { recursive: true, force: true });
});

const ids = [
  [5, 17, 99, 3, 250, 42, 7, 7, 61, 200],
  [12, 0, 45, 45, 128, 9, 33, 81, 2, 140],
];
const mask = [
  [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
  [0, 0, 1, 1, 1, 1, 1, 1, 1, 1],
];
const labels = ids.map((row, b) => row.map((t, i) => (mask[b]![i] ? t : -100)));

function loss(model: CausalLM): tf.Scalar {
  return tf.tidy(() => {
    const int2d = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');
    return model.loss({ inputIds: int2d(ids), attentionMask: int2d(mask) }, int2d(labels));
  });
}

/** Gradients (name -> values) of the loss, with or without checkpointing; no tensor left behind. */
function gradsOf(model: CausalLM, vars: tf.Variable[], checkpointing: boolean, driver = valueAndGrads) {
  model.gradientCheckpointing = checkpointing;
  return expectNoLeak(() => {
    const { value, grads } = driver(() => loss(model), vars);
    const out = Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, g!.dataSync() as Float32Array]));
    tf.dispose([value, ...Object.values(grads)]);
    return { loss: value, out };
  }).out;
}

function expectSameGrads(got: Record<string, Float32Array>, want: Record<string, Float32Array>): void {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [name, g] of Object.entries(want)) {
    expect(
      g.some((x) => x !== 0),
      `${name} got no gradient`,
    ).toBe(true);
    expect(closeness(got[name]!, g, 1e-7, 1e-5), name).toBeLessThanOrEqual(1);
  }
}

/** The model's weights as trainable variables (full fine-tuning). */
function trainAll(model: CausalLM, tag: string): tf.Variable[] {
  return [...model.weights.keys()].map((name) => {
    const v = tf.variable(model.weight(name), true, `${tag}/${name}`);
    model.setWeight(name, v);
    return v;
  });
}

/**
 * A LoRA-style hook over plain tfjs ops: frozen base weights, trainable adapters read by closure, and
 * dropout on the adapter path when given a generator.
 */
function installAdapters(model: CausalLM, tag: string, rng?: Generator): tf.Variable[] {
  const adapters = new Map<string, [tf.Variable, tf.Variable]>();
  let seed = 1;
  model.linearHook = (module, x, w, b) => {
    let ab = adapters.get(module);
    if (ab === undefined) {
      const init = (shape: number[]) =>
        tf.variable(tf.randomNormal(shape, 0, 0.2, 'float32', seed++), true, `${tag}/${module}.${seed}`);
      ab = tf.tidy(() => [init([4, w.shape[1]]), init([w.shape[0], 4])] as [tf.Variable, tf.Variable]);
      adapters.set(module, ab);
    }
    const h = rng ? (dropout(x, 0.3, rng) as tf.Tensor2D) : x;
    const low = tf.matMul(tf.matMul(h, ab[0], false, true), ab[1], false, true);
    return tf.add(linear(x, w, b), tf.mul(low, 2)) as tf.Tensor2D;
  };
  tf.dispose(loss(model)); // creates the adapters
  return [...adapters.values()].flat();
}

describe.each(['cpu', 'wasm'])('gradient checkpointing on %s', (backend) => {
  it.each(['qwen2', 'llama'])(
    '%s, full fine-tune: the same gradients as without, and as tf.variableGrads',
    async (arch) => {
      await tf.setBackend(backend);
      await createTinyModel(
        { architecture: arch, seed: 3, hiddenSize: 32, intermediateSize: 48, numHiddenLayers: 3 },
        join(dir, arch),
      );
      const model = await loadModel(join(dir, arch));
      const vars = trainAll(model, `${backend}-${arch}`);
      const plain = gradsOf(model, vars, false);
      expectSameGrads(gradsOf(model, vars, true), plain);
      expectSameGrads(gradsOf(model, vars, false, tf.variableGrads as typeof valueAndGrads), plain);
      model.dispose();
    },
  );

  it('LoRA-style adapters read through the linear hook get the same gradients', async () => {
    await tf.setBackend(backend);
    await createTinyModel(
      { architecture: 'qwen2', seed: 4, hiddenSize: 32, intermediateSize: 48, numHiddenLayers: 2 },
      join(dir, 'lora'),
    );
    const model = await loadModel(join(dir, 'lora'));
    const adapters = installAdapters(model, `${backend}-lora`);
    expect(adapters.length).toBe(2 * 7 * 2);
    const plain = gradsOf(model, adapters, false);
    expectSameGrads(gradsOf(model, adapters, true), plain);
    tf.dispose(adapters);
    model.dispose();
  });

  it('LoRA dropout: the recomputation replays the masks of the given generators', async () => {
    await tf.setBackend(backend);
    await createTinyModel(
      { architecture: 'llama', seed: 6, hiddenSize: 32, intermediateSize: 48, numHiddenLayers: 2 },
      join(dir, 'dropout'),
    );
    const model = await loadModel(join(dir, 'dropout'));
    const rng = new Generator(11);
    const adapters = installAdapters(model, `${backend}-dropout`, rng);
    const state = rng.getState();
    const run = (checkpointing: boolean) => {
      rng.setState(state); // the same masks for every run
      return gradsOf(model, adapters, checkpointing);
    };
    const plain = run(false);
    model.checkpointGenerators = [rng];
    expectSameGrads(run(true), plain);
    model.checkpointGenerators = [];
    const forgot = run(true); // fresh masks in the recomputation: other gradients
    const name = Object.keys(plain)[0]!;
    expect(closeness(forgot[name]!, plain[name]!, 1e-7, 1e-5)).toBeGreaterThan(1);
    tf.dispose(adapters);
    model.dispose();
  });

  it('without the driver, a checkpointed model says what to use', async () => {
    await tf.setBackend(backend);
    await createTinyModel(
      { architecture: 'llama', seed: 5, hiddenSize: 16, intermediateSize: 16, numHiddenLayers: 1 },
      join(dir, 'stock'),
    );
    const model = await loadModel(join(dir, 'stock'));
    const vars = trainAll(model, `${backend}-stock`);
    model.gradientCheckpointing = true;
    expect(() => tf.variableGrads(() => loss(model), vars)).toThrow(/differentiate with valueAndGrads/);
    model.dispose();
  });
});
