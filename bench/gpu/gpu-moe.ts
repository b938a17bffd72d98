// A Mixtral-shaped model on the GPU (issue 21): a LoRA training step on the attention projections
// (MedicalGPT's advice for MoE) and greedy decoding, for comparison with transformers + peft on the same
// shape in the same device run (bench/torch/gpu_moe_torch.py, bench/gpu/gpu-moe.sh). Numbers, not a test.
//
//   node .device/cuda/gpu-moe.mjs [--backend cuda|cpu] [--matmul bf16|fp32] [--layers 8] [--hidden 1024]
//     [--intermediate 1024] [--experts 8] [--top-k 2] [--heads 16] [--kv-heads 8] [--vocab 32000]
//     [--batch 4] [--seq 512] [--warmup 2] [--steps 5] [--new-tokens 32] [--json FILE] [--profile]
//
// Model: MixtralForCausalLM's config with these sizes, random weights (bench/lib/gpu-model.ts's fixed
// xorshift stream). Training: LoRA r 8 / alpha 16 on q/k/v/o, AdamW (the trainer's multi-tensor one),
// the router's load-balancing loss added with coefficient 0.02 (transformers' default for Mixtral) as
// the trainer does. Decode: one prompt of 32 tokens, `new-tokens` greedy tokens through models'
// generate(). The MoE layers route and sort on the device (ExpertRouting) and run one grouped matmul per
// projection (GroupedMatMul): no host read inside a step.
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MultiTensorAdamW, tf, valueAndGrads } from '@medgpt/core-tensor';
import { generate } from '@medgpt/models';
import { PeftModel } from '@medgpt/peft';
import { buildRandomModel, memoryMiB, setupBackend } from '../lib/gpu-model.js';
import { formatKernelProfile, profileCudaKernels } from '../lib/cuda-kernel-profile.js';
import { timeSteps } from '../lib/timed-steps.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'cuda' },
    matmul: { type: 'string', default: 'bf16' },
    layers: { type: 'string', default: '8' },
    hidden: { type: 'string', default: '1024' },
    intermediate: { type: 'string', default: '1024' },
    experts: { type: 'string', default: '8' },
    'top-k': { type: 'string', default: '2' },
    heads: { type: 'string', default: '16' },
    'kv-heads': { type: 'string', default: '8' },
    vocab: { type: 'string', default: '32000' },
    batch: { type: 'string', default: '4' },
    seq: { type: 'string', default: '512' },
    warmup: { type: 'string', default: '2' },
    steps: { type: 'string', default: '5' },
    'new-tokens': { type: 'string', default: '32' },
    json: { type: 'string' },
    profile: { type: 'boolean', default: false },
  },
});
const n = (k: keyof typeof args) => Number(args[k]);
const [batch, seq, vocab] = [n('batch'), n('seq'), n('vocab')];

const mixtralConfig = (): Record<string, unknown> => ({
  architectures: ['MixtralForCausalLM'],
  model_type: 'mixtral',
  hidden_size: n('hidden'),
  intermediate_size: n('intermediate'),
  num_hidden_layers: n('layers'),
  num_attention_heads: n('heads'),
  num_key_value_heads: n('kv-heads'),
  num_local_experts: n('experts'),
  num_experts_per_tok: n('top-k'),
  vocab_size: vocab,
  max_position_embeddings: 4096,
  rms_norm_eps: 1e-5,
  rope_theta: 1000000.0,
  hidden_act: 'silu',
  tie_word_embeddings: false,
  router_aux_loss_coef: 0.02,
  output_router_logits: true,
  bos_token_id: 1,
  eos_token_id: 2,
});

function report(result: Record<string, unknown>): void {
  const line = JSON.stringify({
    bench: 'gpu-moe',
    stack: 'medgpt',
    backend: args.backend,
    matmul: args.matmul,
    ...result,
  });
  console.log(line);
  if (args.json) appendFileSync(args.json, `${line}\n`);
}

await setupBackend(args.backend, args.matmul);
const started = performance.now();
const model = buildRandomModel(mixtralConfig());
const peft = new PeftModel(model);
peft.addAdapter('default', { r: 8, lora_alpha: 16, lora_dropout: 0, target_modules: 'all' }, { seed: 1 });
peft.training = true;
const vars = peft.trainableVariables();
const params = [...model.weights.values()].reduce((s, w) => s + w.size, 0);
const trainable = vars.reduce((s, v) => s + v.size, 0);
console.log(
  `mixtral: ${(params / 1e6).toFixed(1)}M parameters (${(trainable / 1e6).toFixed(2)}M trainable: LoRA on ` +
    `attention) on ${args.backend} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
const ids = tf.tensor2d(
  Int32Array.from({ length: batch * seq }, (_, i) => (i * 7919 + 13) % vocab),
  [batch, seq],
  'int32',
);
const optimizer = new MultiTensorAdamW(vars, { lr: 1e-5, weightDecay: 0 });
const step = (): number => {
  const { value, grads } = valueAndGrads(() => {
    const { loss, auxLoss } = model.lossWithRouterAux({ inputIds: ids }, ids);
    return tf.add(loss, tf.mul(auxLoss, 0.02)) as tf.Scalar;
  }, vars);
  optimizer.step(grads);
  const loss = value.dataSync()[0]!;
  tf.dispose([value, ...Object.values(grads)]);
  return loss;
};
const { losses, warmMs, stepMs, leaked } = timeSteps(step, {
  warmup: n('warmup'),
  steps: n('steps'),
  budgetMs: 120_000,
});
const mean = stepMs.reduce((a, b) => a + b, 0) / stepMs.length;
const mem = memoryMiB();
console.log(
  `train: warm-up ${warmMs.map((m) => m.toFixed(0)).join(' ')} ms; steps ${stepMs.map((m) => m.toFixed(0)).join(' ')} ms; ` +
    `losses ${losses.map((l) => l.toFixed(4)).join(' ')}; leaked ${leaked}; peak ${mem.poolPeakMiB} MiB`,
);
report({
  mode: 'lora-train',
  params,
  trainable,
  batch,
  seq,
  stepMsMean: Math.round(mean * 10) / 10,
  tokensPerSec: Math.round((batch * seq) / (mean / 1000)),
  firstLoss: losses[0],
  lastLoss: losses.at(-1),
  peakMiB: mem.poolPeakMiB,
  leaked,
});
if (args.profile && args.backend === 'cuda') {
  // One more step with CUDA events around every kernel dispatch: GPU milliseconds per tfjs kernel.
  const p = await profileCudaKernels(step);
  for (const line of formatKernelProfile(p)) console.log(line);
  report({
    mode: 'profile-lora-train',
    kernels: p.kernels,
    gpuMs: p.gpuMs,
    wallMs: p.wallMs,
    top: p.rows.slice(0, 25),
  });
}
optimizer.dispose();
ids.dispose();
peft.training = false;

const prompt = Array.from({ length: 32 }, (_, j) => (j * 104729 + 7) % vocab);
const newTokens = n('new-tokens');
await generate(model, [prompt], { maxNewTokens: 2, doSample: false, eosTokenIds: [] }); // warm-up
const t0 = performance.now();
const out = await generate(model, [prompt], { maxNewTokens: newTokens, doSample: false, eosTokenIds: [] });
const decodeMs = performance.now() - t0;
console.log(
  `decode: ${newTokens} tokens in ${decodeMs.toFixed(0)} ms; first ids ${out.tokenIds[0]!.slice(0, 6).join(',')}`,
);
report({ mode: 'decode', newTokens, tokensPerSec: Math.round((newTokens / decodeMs) * 1000 * 10) / 10 });
peft.dispose();
model.dispose();
