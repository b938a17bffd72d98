import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf, valueAndGrads } from '@medgpt/core-tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../io/load-model.js';
import { saveModel } from '../io/save-model.js';
import { fixtureDir, readExpected } from '../test-fixtures.js';
import type { CausalLM } from './causal-lm.js';
import { Int8Weight } from './int8-weight.js';
import { isQuantizedWeight } from './quantized-weight.js';

/** LLM.int8()-style row quantisation done here (round to nearest), counting dequantisations. */
class CountingInt8Weight extends Int8Weight {
  dequantizeCalls = 0;

  constructor(w: tf.Tensor2D) {
    const [rows, cols] = w.shape;
    const v = w.dataSync();
    const codes = new Int8Array(rows * cols);
    const scb = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let m = 0;
      for (let c = 0; c < cols; c++) m = Math.max(m, Math.abs(v[r * cols + c]!));
      scb[r] = m;
      for (let c = 0; c < cols; c++)
        codes[r * cols + c] = m === 0 ? 0 : Math.round((v[r * cols + c]! * 127) / m);
    }
    super([rows, cols], codes, scb);
  }

  override dequantize(): tf.Tensor2D {
    this.dequantizeCalls++;
    return super.dequantize();
  }
}

const LINEAR = /^model\.layers\.\d+\.(self_attn\.[qkvo]_proj|mlp\.(gate|up|down)_proj)\.weight$/;

/** Quantises every decoder linear of `model` in place; returns the storages. */
function quantizeAll(model: CausalLM): CountingInt8Weight[] {
  const made: CountingInt8Weight[] = [];
  for (const name of [...model.weights.keys()].filter((n) => LINEAR.test(n))) {
    const q = new CountingInt8Weight(model.weight(name) as tf.Tensor2D);
    model.setQuantizedWeight(name, q);
    made.push(q);
  }
  return made;
}

describe('quantised linear weights in CausalLM', () => {
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'medgpt-quantized-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const e = readExpected('qwen2');
  const inputs = () => ({
    inputIds: tf.tensor2d(e.input_ids, undefined, 'int32'),
    attentionMask: tf.tensor2d(e.attention_mask, undefined, 'int32'),
  });

  it('computes the forward and the gradients of a dense model holding the dequantised values', async () => {
    const before = tf.memory().numTensors;
    const quantized = await loadModel(fixtureDir('qwen2'));
    const storages = quantizeAll(quantized);
    expect(storages.length).toBeGreaterThan(0);
    expect(quantized.quantized.size).toBe(storages.length);
    const dense = await loadModel(fixtureDir('qwen2'));
    for (const [name, q] of quantized.quantized) dense.setWeight(name, q.dequantize());
    const x = inputs();
    const labels = x.inputIds;
    const a = tf.tidy(() => quantized.forward(x).dataSync());
    const b = tf.tidy(() => dense.forward(x).dataSync());
    expect(Array.from(a)).toEqual(Array.from(b));

    // Gradients reach the embeddings through every quantised layer, as through the dense ones.
    const grads = (m: CausalLM) => {
      const v = tf.variable(m.weight('model.embed_tokens.weight'), true, `emb-${Math.random()}`);
      const old = m.weight('model.embed_tokens.weight');
      m.setWeight('model.embed_tokens.weight', v, { disposeOld: false });
      const { value, grads: g } = valueAndGrads(() => m.loss(x, labels), [v]);
      const out = { loss: value.dataSync()[0]!, grad: Array.from(Object.values(g)[0]!.dataSync()) };
      tf.dispose([value, ...Object.values(g)]);
      m.setWeight('model.embed_tokens.weight', old);
      return out;
    };
    const calls = storages.map((s) => s.dequantizeCalls);
    const gq = grads(quantized);
    // One dequantisation in the forward and one in the backward per layer: nothing kept between them.
    expect(storages.map((s, i) => s.dequantizeCalls - calls[i]!)).toEqual(storages.map(() => 2));
    const gd = grads(dense);
    expect(gq.loss).toBe(gd.loss);
    const maxDiff = gq.grad.reduce((m, v, i) => Math.max(m, Math.abs(v - gd.grad[i]!)), 0);
    expect(maxDiff).toBeLessThan(1e-6);
    tf.dispose([x.inputIds, x.attentionMask]);
    quantized.dispose();
    dense.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('holds a quarter of the bytes for its int8 layers, and dequantize() gives a plain model back', async () => {
    const model = await loadModel(fixtureDir('qwen2'));
    const dense = model.parameterBytes;
    const name = 'model.layers.0.mlp.up_proj.weight';
    const shape = model.parameterShape(name);
    quantizeAll(model);
    expect(model.parameterBytes).toBeLessThan(dense);
    expect(model.parameterShape(name)).toEqual(shape);
    expect(isQuantizedWeight(model.linearWeight(name))).toBe(true);
    expect(() => model.weight(name)).toThrow(/stored quantised \(int8\).*dequantize\(\)/);
    await expect(saveModel(model, join(dir, 'refused'))).rejects.toThrow(/stored quantised/);
    const x = inputs();
    const q = tf.tidy(() => model.forward(x).dataSync());
    model.dequantize();
    expect(model.quantized.size).toBe(0);
    expect(model.parameterBytes).toBe(dense);
    expect(Array.from(tf.tidy(() => model.forward(x).dataSync()))).toEqual(Array.from(q));
    await saveModel(model, join(dir, 'saved'));
    tf.dispose([x.inputIds, x.attentionMask]);
    model.dispose();
  });

  it('refuses to quantise anything but the decoder projections, or a wrong shape', async () => {
    const model = await loadModel(fixtureDir('qwen2'));
    const emb = new CountingInt8Weight(model.weight('model.embed_tokens.weight') as tf.Tensor2D);
    expect(() => model.setQuantizedWeight('model.embed_tokens.weight', emb)).toThrow(
      /only the linear weights of the decoder layers/,
    );
    expect(() => model.setQuantizedWeight('model.layers.0.self_attn.q_proj.weight', emb)).toThrow(
      /expected \[/,
    );
    emb.dispose();
    model.dispose();
  });
});
