import { describe, expect, it } from 'vitest';
import { tf } from '../index.js';

/** A one-layer Llama-style decoder written with stock tfjs ops only, sizes past the wasm small-matmul cut. */
const [VOCAB, DIM, HEADS, FFN, TOKENS] = [50, 64, 2, 128, 40];
const HEAD_DIM = DIM / HEADS;

function initWeights(): Record<string, tf.Variable> {
  const w = (shape: number[], seed: number) =>
    tf.variable(tf.randomUniform(shape, -0.2, 0.2, 'float32', seed));
  return {
    embed: w([VOCAB, DIM], 1),
    norm1: w([DIM], 2),
    wq: w([DIM, DIM], 3),
    wk: w([DIM, DIM], 4),
    wv: w([DIM, DIM], 5),
    wo: w([DIM, DIM], 6),
    norm2: w([DIM], 7),
    gate: w([FFN, DIM], 8),
    up: w([FFN, DIM], 9),
    down: w([DIM, FFN], 10),
  };
}

const rmsNorm = (x: tf.Tensor, weight: tf.Tensor) =>
  tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-6))), tf.add(weight, 1));
/** HF Linear: x · Wᵀ with W stored [out, in], i.e. matMul's transposeB. */
const linear = (x: tf.Tensor, weight: tf.Tensor) => tf.matMul(x, weight, false, true);
/** [T, DIM] -> [HEADS, T, HEAD_DIM] */
const heads = (x: tf.Tensor) => tf.transpose(tf.reshape(x, [TOKENS, HEADS, HEAD_DIM]), [1, 0, 2]);

function rope(x: tf.Tensor): tf.Tensor {
  const half = HEAD_DIM / 2;
  const pos = tf.reshape(tf.range(0, TOKENS), [TOKENS, 1]);
  const freq = tf.reshape(tf.exp(tf.mul(tf.range(0, half), -Math.log(10000) / half)), [1, half]);
  const angle = tf.concat([tf.mul(pos, freq), tf.mul(pos, freq)], -1);
  const [x1, x2] = tf.split(x, 2, -1);
  const rotated = tf.concat([tf.neg(x2!), x1!], -1);
  return tf.add(tf.mul(x, tf.cos(angle)), tf.mul(rotated, tf.sin(angle)));
}

function loss(w: Record<string, tf.Variable>, ids: tf.Tensor1D, targets: tf.Tensor1D): tf.Scalar {
  const x = tf.gather(w.embed!, ids);
  const h = rmsNorm(x, w.norm1!);
  const q = rope(heads(linear(h, w.wq!)));
  const k = rope(heads(linear(h, w.wk!)));
  const v = heads(linear(h, w.wv!));
  const causal = tf.sub(1, tf.linalg.bandPart(tf.ones([TOKENS, TOKENS]), -1, 0));
  const scores = tf.sub(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(HEAD_DIM)), tf.mul(causal, 1e9));
  const attn = tf.reshape(tf.transpose(tf.matMul(tf.softmax(scores), v), [1, 0, 2]), [TOKENS, DIM]);
  const x2 = tf.add(x, linear(attn, w.wo!));
  const h2 = rmsNorm(x2, w.norm2!);
  const gate = linear(h2, w.gate!);
  const mlp = linear(tf.mul(tf.mul(gate, tf.sigmoid(gate)), linear(h2, w.up!)), w.down!);
  const logits = linear(rmsNorm(tf.add(x2, mlp), w.norm1!), w.embed!); // tied LM head
  const logProbs = tf.logSoftmax(logits);
  return tf.neg(tf.mean(tf.sum(tf.mul(logProbs, tf.oneHot(targets, VOCAB)), -1))) as tf.Scalar;
}

async function step(backend: string): Promise<{ loss: number; grads: Record<string, Float32Array> }> {
  await tf.setBackend(backend);
  const weights = initWeights();
  const ids = tf.tensor1d(
    Array.from({ length: TOKENS }, (_, i) => (i * 7 + 3) % VOCAB),
    'int32',
  );
  const targets = tf.tensor1d(
    Array.from({ length: TOKENS }, (_, i) => (i * 11 + 5) % VOCAB),
    'int32',
  );
  const before = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(() => loss(weights, ids, targets), Object.values(weights));
  const out = {
    loss: value.dataSync()[0]!,
    grads: Object.fromEntries(
      Object.entries(weights).map(([key, v]) => [key, grads[v.name]!.dataSync() as Float32Array]),
    ),
  };
  tf.dispose([value, ...Object.values(grads)]);
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([ids, targets, ...Object.values(weights)]);
  return out;
}

describe('a decoder training step with stock tfjs ops', () => {
  it('runs on wasm (gather backward included) and matches cpu', async () => {
    const cpu = await step('cpu');
    const wasm = await step('wasm');
    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-4);
    expect(Object.keys(wasm.grads).length).toBe(10);
    for (const [name, g] of Object.entries(cpu.grads)) {
      const w = wasm.grads[name]!;
      let worst = 0;
      let scale = 0;
      for (let i = 0; i < g.length; i++) {
        worst = Math.max(worst, Math.abs(w[i]! - g[i]!));
        scale = Math.max(scale, Math.abs(g[i]!));
      }
      expect(scale, `${name} gradient is all zeros`).toBeGreaterThan(0);
      expect(worst / scale, `${name} gradient differs`).toBeLessThan(1e-3);
    }
  });
});
