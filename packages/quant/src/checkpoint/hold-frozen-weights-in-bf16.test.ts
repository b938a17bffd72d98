import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import {
  createTinyModel,
  EMBED_TOKENS,
  isQuantizableParameter,
  LM_HEAD,
  loadModel,
  parameterSpecs,
  type CausalLM,
} from '@medgpt/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdFrozenWeightsInBf16 } from './hold-frozen-weights-in-bf16.js';
import { loadKbitModel } from './load-kbit-model.js';
import { quantizingReader } from './quantizing-reader.js';

let root: string;
let llamaBf16: string; // untied embeddings and head, bf16
let llamaF32: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-bf16-frozen-'));
  const tiny = (name: string, dtype: 'bfloat16' | 'float32') =>
    createTinyModel(
      { architecture: 'llama', seed: 31, tieWordEmbeddings: false, initializerRange: 0.1, dtype },
      join(root, name),
    );
  llamaBf16 = (await tiny('bf16', 'bfloat16')).dir;
  llamaF32 = (await tiny('f32', 'float32')).dir;
});
afterAll(() => rm(root, { recursive: true, force: true }));

const IDS = [3, 77, 104, 101, 108, 108, 111, 32, 100, 111, 99, 116];
const batch = () => ({ inputIds: tf.tensor2d([IDS], [1, IDS.length], 'int32') });

function lossAndLogits(model: CausalLM): number[] {
  return tf.tidy(() => {
    const inputs = batch();
    const logits = model.forward(inputs).dataSync();
    const loss = model.loss(inputs, inputs.inputIds).dataSync()[0]!;
    return [loss, ...Array.from(logits)];
  });
}

describe.each(['cpu', 'wasm'])('holdFrozenWeightsInBf16 on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('a bf16 model: embeddings and head re-stored, values, logits and loss unchanged, nothing leaked', async () => {
    const model = await loadModel(llamaBf16);
    const embed = Array.from(model.weight(EMBED_TOKENS).dataSync());
    const head = Array.from(model.weight(LM_HEAD).dataSync());
    const before = lossAndLogits(model);
    const tensors = tf.memory().numTensors;
    const oldEmbed = model.weight(EMBED_TOKENS);
    expect(holdFrozenWeightsInBf16(model)).toEqual([EMBED_TOKENS, LM_HEAD]);
    expect(oldEmbed.isDisposed).toBe(true);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(Array.from(model.weight(EMBED_TOKENS).dataSync())).toEqual(embed);
    expect(Array.from(model.weight(LM_HEAD).dataSync())).toEqual(head);
    expect(lossAndLogits(model)).toEqual(before);
    model.dispose();
  });

  it('with linears: every decoder linear weight too, values, logits and loss unchanged; variables left alone', async () => {
    const model = await loadModel(llamaBf16);
    const linears = parameterSpecs(model.config)
      .filter((s) => isQuantizableParameter(s))
      .map((s) => s.name);
    expect(linears.length).toBe(7 * model.config.numHiddenLayers);
    const values = new Map([...model.weights].map(([n, w]) => [n, Array.from(w.dataSync())]));
    const before = lossAndLogits(model);
    // A trained weight (full fine-tuning, a modules_to_save copy) is a variable: never re-stored.
    const trained = tf.variable(model.weight(linears[0]!), true);
    model.setWeight(linears[0]!, trained);
    const norm = model.weight('model.norm.weight');
    const tensors = tf.memory().numTensors;
    const held = holdFrozenWeightsInBf16(model, { linears: true });
    expect(held).toEqual([EMBED_TOKENS, LM_HEAD, ...linears.slice(1)]);
    expect(model.weight(linears[0]!)).toBe(trained);
    expect(model.weight('model.norm.weight')).toBe(norm);
    expect(tf.memory().numTensors).toBe(tensors);
    for (const [name, v] of values) expect(Array.from(model.weight(name).dataSync()), name).toEqual(v);
    expect(lossAndLogits(model)).toEqual(before);
    model.dispose();
  });

  it('any other dtype: left alone', async () => {
    const model = await loadModel(llamaF32);
    const embed = model.weight(EMBED_TOKENS);
    expect(holdFrozenWeightsInBf16(model)).toEqual([]);
    expect(model.weight(EMBED_TOKENS)).toBe(embed);
    model.dispose();
  });

  it('loadKbitModel holds a bf16 model in bf16 and gives the logits of the plain k-bit load', async () => {
    const kbit = { bits: 4, quantType: 'nf4', doubleQuant: true } as const;
    const { model } = await loadKbitModel(llamaBf16, kbit);
    // The same quantised base with its float32 embeddings and head: equal outputs, bit for bit.
    const plain = await loadModel(llamaBf16, { weightReader: quantizingReader(kbit) });
    expect(lossAndLogits(model)).toEqual(lossAndLogits(plain));
    model.dispose();
    plain.dispose();
  });
});
