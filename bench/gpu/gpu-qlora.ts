// The QLoRA memory benchmark, our side (#16): a Llama-2-7B-shaped model whose decoder linear weights are
// stored in NF4 with double-quantised absmax (@medgpt/models' FourBitWeight, bitsandbytes' layout),
// LoRA r 8 on every linear (dropout 0.05), gradient checkpointing, AdamW on the adapter, one sequence of
// 512 tokens: peak device memory, tokens/s. bench/torch/gpu_qlora_torch.py runs the PyTorch bf16 LoRA step
// of the same shape beside it (no bitsandbytes on the device machine), bench/gpu/gpu-qlora.sh both.
// With --base bf16 (#19 item 4: LoRA at 7B in 16 GB) the decoder linear weights are instead held in
// bf16 only, as trainer's loraWeights holds a bf16 base (quant's holdFrozenWeightsInBf16 with
// linears): run it with --r 16 --alpha 32 --seq 1024.
//
//   node .device/cuda/gpu-qlora.mjs [--base nf4|bf16] [--r 8] [--alpha 16] [--layers 32] [--hidden 4096]
//     [--intermediate 11008] [--heads 32] [--kv-heads 32] [--vocab 32000] [--seq 512] [--batch 1]
//     [--warmup 1] [--steps 3] [--budget 60] [--ckpt true] [--bf16-frozen true] [--trace true]
//     [--backend cuda|cpu] [--json FILE]
//
// The 4-bit codes, their absmax codes and scales are drawn at random on the host, layer by layer (made
// on the device as the issue allows: quantising 6.5e9 random floats in JavaScript would take minutes,
// and the values do not change the work); quant's quantise-as-it-loads path is what the CPU tests check.
// A bf16 base is cut on the device from one random float32 table (each weight a slice at its own
// offset, rounded to bf16, the float32 slice freed at once), as drawing 6.7e9 floats on the host would
// take minutes. Embeddings and lm_head are held in bf16 (roundToBf16, as quant's loadKbitModel holds a
// bf16 model's; --bf16-frozen false: float32), norms in float32. On cuda, --trace reports what the
// allocator holds at its live peak (by context and size) and the stack of the allocation that set it,
// and the run counts any float32 widening of a bf16-held tensor (none expected: only the gather and
// matmuls read them).
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MultiTensorAdamW, releaseCachedMemory, roundToBf16, tf, valueAndGrads } from '@medgpt/core-tensor';
import type { CudaBackend } from '@medgpt/backend-cuda';
import {
  CausalLM,
  FourBitWeight,
  isQuantizableParameter,
  parameterSpecs,
  parseGenerationConfig,
  parseModelConfig,
  writeGenerationConfig,
} from '@medgpt/models';
import { PeftModel } from '@medgpt/peft';
import { createDynamicMap, NF4_CODE } from '@medgpt/quant';
import { memoryMiB, randomValues, setupBackend } from '../lib/gpu-model.js';
import { traceLivePeak } from '../lib/live-peak-trace.js';
import { timeSteps } from '../lib/timed-steps.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'cuda' },
    base: { type: 'string', default: 'nf4' },
    r: { type: 'string', default: '8' },
    alpha: { type: 'string', default: '16' },
    matmul: { type: 'string', default: 'bf16' },
    layers: { type: 'string', default: '32' },
    hidden: { type: 'string', default: '4096' },
    intermediate: { type: 'string', default: '11008' },
    heads: { type: 'string', default: '32' },
    'kv-heads': { type: 'string', default: '32' },
    vocab: { type: 'string', default: '32000' },
    seq: { type: 'string', default: '512' },
    batch: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '1' },
    steps: { type: 'string', default: '3' },
    budget: { type: 'string', default: '60' },
    ckpt: { type: 'string', default: 'true' },
    'bf16-frozen': { type: 'string', default: 'true' },
    trace: { type: 'string', default: 'true' },
    json: { type: 'string' },
  },
});
const n = (k: keyof typeof args) => Number(args[k]);
const [layers, seq, batch, vocab] = [n('layers'), n('seq'), n('batch'), n('vocab')];
const bf16Frozen = args['bf16-frozen'] === 'true';
const base = args.base;
if (base !== 'nf4' && base !== 'bf16') throw new Error(`--base must be nf4 or bf16, got ${base}`);
const MiB = 2 ** 20;

await setupBackend(args.backend, args.matmul);

/** Llama-2-7B's config.json with this run's sizes. */
const rawConfig = {
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  hidden_size: n('hidden'),
  intermediate_size: n('intermediate'),
  num_attention_heads: n('heads'),
  num_key_value_heads: n('kv-heads'),
  num_hidden_layers: layers,
  vocab_size: vocab,
  max_position_embeddings: 4096,
  rms_norm_eps: 1e-5,
  rope_theta: 10000.0,
  hidden_act: 'silu',
  tie_word_embeddings: false,
  bos_token_id: 1,
  eos_token_id: 2,
  torch_dtype: 'bfloat16',
};

/** Random bytes from a xorshift stream. */
function randomBytes(count: number, state: { s: number }): Uint8Array {
  const out = new Uint8Array(count);
  let s = state.s;
  for (let i = 0; i < count; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s & 0xff;
  }
  state.s = s;
  return out;
}

/**
 * A bf16-held base made on the device: each weight a slice of one random float32 table at its own
 * offset (std 0.02), rounded to bf16; norms 1 in float32.
 */
function bf16Weights(config: ReturnType<typeof parseModelConfig>): Map<string, tf.Tensor> {
  const specs = parameterSpecs(config);
  const largest = Math.max(...specs.map((s) => s.shape.reduce((a, d) => a * d, 1)));
  const span = 1 << 20;
  const table = tf.tensor1d(randomValues(largest + span, 0.02, { s: 0x2545f491 }), 'float32');
  const weights = new Map<string, tf.Tensor>();
  specs.forEach((spec, i) => {
    const size = spec.shape.reduce((a, d) => a * d, 1);
    if (spec.kind === 'norm') {
      weights.set(spec.name, tf.ones(spec.shape, 'float32'));
      return;
    }
    const offset = (i * 7919 * 61) % span;
    weights.set(
      spec.name,
      tf.tidy(() => roundToBf16(tf.reshape(tf.slice(table, [offset], [size]), spec.shape))),
    );
  });
  table.dispose();
  return weights;
}

function buildModel(): CausalLM {
  const config = parseModelConfig(rawConfig, '<llama-2-7b shape>');
  const state = { s: 0x2545f491 };
  const weights = base === 'bf16' ? bf16Weights(config) : new Map<string, tf.Tensor>();
  const quantized = new Map<string, FourBitWeight>();
  const nf4 = Float32Array.from(NF4_CODE);
  const dynamic = createDynamicMap(true);
  for (const spec of base === 'bf16' ? [] : parameterSpecs(config)) {
    const size = spec.shape.reduce((a, d) => a * d, 1);
    if (isQuantizableParameter(spec)) {
      const blocks = Math.ceil(size / 64);
      quantized.set(
        spec.name,
        new FourBitWeight({
          format: 'nf4',
          shape: [spec.shape[0]!, spec.shape[1]!],
          packed: randomBytes(Math.ceil(size / 2), state),
          absmax: {
            codes: randomBytes(blocks, state),
            code: dynamic,
            absmax: Float32Array.from(randomValues(Math.ceil(blocks / 256), 0.01, state), (v) => 0.03 + v),
            blocksize: 256,
            offset: 0.04,
          },
          code: nf4,
          blocksize: 64,
          dtype: 'bfloat16',
        }),
      );
      continue;
    }
    const values = spec.kind === 'norm' ? new Float32Array(size).fill(1) : randomValues(size, 0.02, state);
    const w = tf.tensor(values, spec.shape, 'float32');
    if (bf16Frozen && spec.kind !== 'norm') {
      weights.set(spec.name, roundToBf16(w));
      w.dispose();
    } else weights.set(spec.name, w);
  }
  const generationConfig = parseGenerationConfig({ bos_token_id: 1, eos_token_id: 2 }, '<bench>');
  return new CausalLM({
    config,
    weights,
    quantized,
    generationConfig,
    rawConfig,
    rawGenerationConfig: writeGenerationConfig(generationConfig),
  });
}

const started = performance.now();
const model = buildModel();
// As quant's holdFrozenWeightsInBf16 does after a load: the freed float32 temporaries leave the pool.
const releasedMiB = Math.round(releaseCachedMemory() / MiB);
console.log(`after load: ${releasedMiB} MiB of cached pool memory given back`);
const afterLoad = memoryMiB();
const reservedAfterLoadMiB = Math.round(
  ((tf.memory() as { numBytesInGPUAllocated?: number }).numBytesInGPUAllocated ?? 0) / MiB,
);
const peft = new PeftModel(model, { seed: 1 });
const [rank, alpha] = [n('r'), n('alpha')];
peft.addAdapter(
  'default',
  { r: rank, lora_alpha: alpha, lora_dropout: 0.05, target_modules: 'all' },
  { seed: 1 },
);
peft.training = true;
model.gradientCheckpointing = args.ckpt === 'true';
model.checkpointGenerators = [peft.rng];
const vars = peft.trainableVariables();
const trainable = vars.reduce((a, v) => a + v.size, 0);
const quantizedParams = [...model.quantized.values()].reduce((a, q) => a + q.shape[0] * q.shape[1], 0);
const floatParams = [...model.weights.values()].reduce((a, w) => a + w.size, 0);
console.log(
  `qlora: ${((quantizedParams + floatParams) / 1e9).toFixed(2)}B parameters (` +
    (base === 'bf16'
      ? 'linears, embeddings and head in bf16'
      : `${(quantizedParams / 1e9).toFixed(2)}B in nf4, embeddings and head in ${bf16Frozen ? 'bf16' : 'float32'}`) +
    `), LoRA r ${rank} alpha ${alpha} on every linear: ${(trainable / 1e6).toFixed(1)}M trainable, seq ${seq}, ` +
    `built in ${((performance.now() - started) / 1000).toFixed(1)} s; device ${afterLoad.liveMiB} MiB live, ` +
    `${reservedAfterLoadMiB} MiB in the pool`,
);
const ids = tf.tensor2d(
  Int32Array.from({ length: batch * seq }, (_, i) => (i * 7919 + 13) % vocab),
  [batch, seq],
  'int32',
);
const optimizer = new MultiTensorAdamW(vars, { lr: 2e-4, weightDecay: 0 });
// Any float32 widening of a bf16-held tensor (CudaBackend.pointer) during the steps, in MiB.
let widenedMiB = 0;
if (args.backend === 'cuda') {
  const allocator = (tf.backend() as CudaBackend).runtime.allocator;
  const alloc = allocator.alloc.bind(allocator);
  allocator.alloc = (bytes: number, context = ''): number => {
    if (context.startsWith('float32 widening')) widenedMiB += bytes / MiB;
    return alloc(bytes, context);
  };
}
const trace = args.backend === 'cuda' && args.trace === 'true' ? traceLivePeak() : null;
let stepCount = 0;
const step = (): number => {
  const started = performance.now();
  const { value, grads } = valueAndGrads(() => model.loss({ inputIds: ids }, ids) as tf.Scalar, vars);
  optimizer.step(grads);
  const loss = value.dataSync()[0]!;
  tf.dispose([value, ...Object.values(grads)]);
  const live = memoryMiB();
  console.log(
    `qlora: step ${++stepCount}: ${(performance.now() - started).toFixed(0)} ms, loss ${loss.toFixed(4)}, ` +
      `pool peak ${live.poolPeakMiB} MiB, widened ${widenedMiB.toFixed(0)} MiB`,
  );
  return loss;
};
const { losses, warmMs, stepMs, leaked } = timeSteps(step, {
  warmup: n('warmup'),
  steps: n('steps'),
  budgetMs: n('budget') * 1000,
});
const mean = stepMs.reduce((a, b) => a + b, 0) / stepMs.length;
const mem = memoryMiB();
const peakLiveMiB =
  args.backend === 'cuda'
    ? Math.round((tf.backend() as CudaBackend).runtime.allocator.peakLiveBytes / MiB)
    : null;
const livePeak = trace?.peak();
trace?.stop();
if (livePeak) {
  const round = (o: Record<string, number>) =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v * 10) / 10]));
  console.log(
    `qlora: live peak ${livePeak.peakMiB.toFixed(0)} MiB (${livePeak.baseMiB.toFixed(0)} before the steps)`,
  );
  console.log(`qlora: at the peak, by context (MiB): ${JSON.stringify(round(livePeak.byContext))}`);
  console.log(
    `qlora: at the peak, by size: ${livePeak.bySize.map(([k, v]) => `${k} = ${v.toFixed(1)}`).join('; ')}`,
  );
  console.log(`qlora: the peak's allocation:\n  ${livePeak.stack.slice(0, 40).join('\n  ')}`);
}
console.log(
  `qlora: warm-up ${warmMs.map((m) => m.toFixed(0)).join(' ')} ms; steps ${stepMs.map((m) => m.toFixed(0)).join(' ')} ms; ` +
    `losses ${losses.map((l) => l.toFixed(4)).join(' ')}; peak ${mem.poolPeakMiB} MiB; leaked ${leaked}`,
);
const line = JSON.stringify({
  bench: 'gpu-qlora',
  stack: 'medgpt',
  mode: base === 'bf16' ? 'lora-bf16-base' : 'qlora-nf4',
  r: rank,
  alpha,
  backend: args.backend,
  matmul: args.matmul,
  layers,
  batch,
  seq,
  ckpt: model.gradientCheckpointing,
  bf16Frozen,
  params: quantizedParams + floatParams,
  trainable,
  afterLoadMiB: afterLoad.liveMiB,
  reservedAfterLoadMiB,
  steps: stepMs.length,
  stepMsMean: Math.round(mean * 10) / 10,
  tokensPerSec: Math.round((batch * seq) / (mean / 1000)),
  firstLoss: losses[0],
  lastLoss: losses.at(-1),
  peakMiB: mem.poolPeakMiB,
  peakLiveMiB,
  liveMiB: mem.liveMiB,
  widenedMiB: Math.round(widenedMiB),
});
console.log(line);
if (args.json) appendFileSync(args.json, `${line}\n`);
optimizer.dispose();
ids.dispose();
peft.dispose();
model.dispose();
