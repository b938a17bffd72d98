import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf, valueAndGrads } from '@medgpt/core-tensor';
import {
  createTinyModel,
  EMBED_TOKENS,
  isQuantizableParameter,
  LM_HEAD,
  loadModel,
  parameterSpecs,
  type CausalLM,
} from '@medgpt/models';
import { medicalGptLoraConfig, PeftModel } from '@medgpt/peft';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loraWeights } from './lora-weights.js';
import { LORA_OPTION_DEFAULTS } from './model-options.js';
import { enableGradientCheckpointing } from './model-extensions.js';

let root: string;
let bf16Dir: string;
let f32Dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-lora-bf16-'));
  const tiny = async (name: string, dtype: 'bfloat16' | 'float32') =>
    (
      await createTinyModel(
        { architecture: 'llama', seed: 5, tieWordEmbeddings: false, initializerRange: 0.1, dtype },
        join(root, name),
      )
    ).dir;
  bf16Dir = await tiny('bf16', 'bfloat16');
  f32Dir = await tiny('f32', 'float32');
});
afterAll(() => rm(root, { recursive: true, force: true }));

const SEED = 11;
const IDS = [3, 77, 104, 101, 108, 108, 111, 32, 100, 111, 99, 116];
const options = (dir: string) => ({
  ...LORA_OPTION_DEFAULTS,
  lora_dropout: 0.1,
  model_name_or_path: dir,
});
const frozenNames = (model: CausalLM) => [
  EMBED_TOKENS,
  LM_HEAD,
  ...parameterSpecs(model.config)
    .filter((s) => isQuantizableParameter(s))
    .map((s) => s.name),
];

/** One training step's loss and adapter gradients (dropout on, gradient checkpointing). */
function step(model: CausalLM, peft: PeftModel): number[][] {
  peft.training = true;
  enableGradientCheckpointing(model, [peft.rng]);
  const ids = tf.tensor2d([IDS], [1, IDS.length], 'int32');
  const vars = peft.trainableVariables();
  const { value, grads } = valueAndGrads(() => model.loss({ inputIds: ids }, ids) as tf.Scalar, vars);
  const out = [Array.from(value.dataSync()), ...vars.map((v) => Array.from(grads[v.name]!.dataSync()))];
  tf.dispose([ids, value, ...Object.values(grads)]);
  return out;
}

/** The cpu kernels that read one of `tensors` while `fn` runs. */
function kernelsReading(tensors: readonly tf.Tensor[], fn: () => void): Set<string> {
  const ids = new Set(tensors.map((t) => t.dataId));
  const seen = new Set<string>();
  const configs = tf.getKernelsForBackend('cpu');
  for (const config of configs) {
    tf.unregisterKernel(config.kernelName, 'cpu');
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        for (const t of Object.values(args.inputs))
          if (t != null && ids.has(t.dataId)) seen.add(config.kernelName);
        return config.kernelFunc(args);
      },
    });
  }
  try {
    fn();
  } finally {
    for (const config of configs) {
      tf.unregisterKernel(config.kernelName, 'cpu');
      tf.registerKernel(config);
    }
  }
  return seen;
}

describe('loraWeights over a bf16 base', () => {
  it('holds the frozen linears, embeddings and head in bf16; loss and gradients as over the float32 base', async () => {
    const model = await loadModel(bf16Dir);
    const before = new Map(model.weights);
    const weights = await loraWeights(model, options(bf16Dir), SEED);
    for (const name of frozenNames(model)) {
      expect(model.weight(name), name).not.toBe(before.get(name));
      expect(before.get(name)!.isDisposed, name).toBe(true);
    }
    expect(model.weight('model.norm.weight')).toBe(before.get('model.norm.weight'));
    const heldValues = frozenNames(model).map((n) => Array.from(model.weight(n).dataSync()));
    const heldStep = step(model, weights.peft);
    weights.dispose();
    model.dispose();

    // The same adapter over the same base, held as loaded (float32).
    const plain = await loadModel(bf16Dir);
    const peft = new PeftModel(plain, { seed: SEED });
    peft.addAdapter(
      'default',
      medicalGptLoraConfig({ ...options(bf16Dir), task_type: 'CAUSAL_LM' }, bf16Dir),
      {
        seed: SEED,
      },
    );
    expect(heldValues).toEqual(frozenNames(plain).map((n) => Array.from(plain.weight(n).dataSync())));
    expect(heldStep).toEqual(step(plain, peft));
    peft.dispose();
    plain.dispose();
  });

  it('only gathers and matmuls read the held weights in a training step (cuda widens them for any other kernel)', async () => {
    const model = await loadModel(bf16Dir);
    const weights = await loraWeights(model, options(bf16Dir), SEED);
    const held = frozenNames(model).map((n) => model.weight(n));
    const readers = kernelsReading(held, () => void step(model, weights.peft));
    // Identity (saved for backward) and Reshape are aliases on cuda, no copy.
    const allowed = [
      'GatherV2',
      'BatchMatMul',
      '_FusedMatMul',
      'LoraLinear',
      'LoraLinearGrad',
      'Identity',
      'Reshape',
    ];
    expect([...readers].filter((k) => !allowed.includes(k))).toEqual([]);
    expect(readers).toContain('LoraLinear');
    expect(readers).toContain('GatherV2');
    weights.dispose();
    model.dispose();
  });

  it('a float32 base is left as loaded', async () => {
    const model = await loadModel(f32Dir);
    const before = new Map(model.weights);
    const weights = await loraWeights(model, options(f32Dir), SEED);
    for (const name of frozenNames(model)) expect(model.weight(name), name).toBe(before.get(name));
    weights.dispose();
    model.dispose();
  });
});
