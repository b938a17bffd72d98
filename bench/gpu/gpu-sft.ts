// LoRA SFT of a Qwen2.5-0.5B-shaped model through the real trainer (@medgpt/trainers-sft SftTrainer,
// MedicalGPT's medical_sft_1K_format.jsonl, ChatML), for issue 8's "same loss curve as on cpu for the
// first steps, then stable for 200 steps" check. The same program makes the cpu reference (a few
// steps; committed as bench/gpu/gpu-sft.reference.json) and the GPU run, which compares its first steps
// with the reference and reports whether the 200 steps stayed finite and falling.
//
//   node .device/cuda/gpu-sft.mjs --backend cpu --steps 3 --write-reference bench/gpu/gpu-sft.reference.json
//   node .device/cuda/gpu-sft.mjs --backend cuda --steps 200 --reference gpu-sft.reference.json [--matmul bf16]
//
// Model: createTinyModel with Qwen2.5-0.5B's shape (hidden 896, 24 layers, 14 / 2 heads, intermediate
// 4864, vocabulary 151936, tied embeddings; seed 1, Philox normal init, byte-level tokenizer, so the
// sample's text costs more tokens than with Qwen's BPE but the compute per token is the real one).
// Training: LoRA r 8, alpha 16, dropout 0.05, every linear; batch 1, model_max_length 256, lr 2e-4,
// constant schedule after 5 warm-up steps (the same generator seeds dropout on both backends).
//
// The real-data speed bench (issue 19 item 3; bench/gpu/gpu-issue19.sh, against bench/torch/gpu_sft_torch.py):
//
//   node .device/cuda/gpu-sft.mjs --model DIR --batch 8 --max-length 1024 --max-samples all
//     --validation-split 0 --torch-dtype bfloat16 --steps 60 --timing-warmup 5 [--group-by-length] [--tag T]
//
// --model: a Hugging Face model folder (config.json, safetensors, tokenizer.json: bench/torch/gpu_sft_torch.py
// make writes a Qwen2.5-0.5B-shaped one with the Qwen3 tokenizer) instead of the tiny byte-level model. The
// JSON line then adds real (non-padding) tokens/s and ms/step over the steps after --timing-warmup (from the
// trainer's num_input_tokens_seen at each step's end), each step's real tokens, the pool's peak memory, and
// checksums of the rows the trainer trains on (rows, tokens, label tokens, id sum), which the PyTorch side
// prints for its own tokenisation of the same file. --torch-dtype bfloat16 holds the frozen base in bf16 (as
// `medgpt sft --torch_dtype bfloat16`); --group-by-length is `--group_by_length`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend, tf } from '@medgpt/core-tensor';
import { loadTokenizer } from '@medgpt/tokenizer';
import { createCudaProvider, type MatmulPrecision } from '@medgpt/backend-cuda';
import { createTinyModel } from '@medgpt/models';
import type { LogEntry } from '@medgpt/trainer';
import { resolveSftConfig, sftData, SftTrainer, type SftConfigInput } from '@medgpt/trainers-sft';
import { memoryMiB } from '../lib/gpu-model.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'cuda' },
    matmul: { type: 'string', default: 'bf16' },
    steps: { type: 'string', default: '200' },
    layers: { type: 'string', default: '24' },
    data: { type: 'string' },
    reference: { type: 'string' },
    'write-reference': { type: 'string' },
    'compare-steps': { type: 'string', default: '3' },
    json: { type: 'string' },
    model: { type: 'string' },
    batch: { type: 'string', default: '1' },
    'max-length': { type: 'string', default: '256' },
    'max-samples': { type: 'string', default: '400' },
    'validation-split': { type: 'string' },
    'torch-dtype': { type: 'string', default: 'float32' },
    'lora-dropout': { type: 'string', default: '0.05' },
    'group-by-length': { type: 'boolean', default: false },
    'timing-warmup': { type: 'string', default: '5' },
    tag: { type: 'string' },
  },
});
const steps = Number(args.steps);
const timingWarmup = Number(args['timing-warmup']);

if (args.backend === 'cuda') {
  const loaded = await createCudaProvider({ matmulPrecision: args.matmul as MatmulPrecision }).load();
  if (!loaded.ok) throw new Error(`cuda backend not available: ${loaded.reason}`);
}
if (args.backend === 'cuda') await tf.setBackend('cuda');
else await initBackend({ backend: args.backend });

/** data/medicalgpt/sft/medical_sft_1K_format.jsonl: --data, else found above this file or the cwd. */
function sampleData(): string {
  if (args.data) return resolve(args.data);
  const name = join('data', 'medicalgpt', 'sft', 'medical_sft_1K_format.jsonl');
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, name))) return join(dir, name);
    if (dirname(dir) === dir) break;
  }
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (existsSync(join(dir, name))) return join(dir, name);
    if (dirname(dir) === dir) throw new Error(`${name} not found; pass --data`);
  }
}

/** createTinyModel with Qwen2.5-0.5B's shape and a byte-level tokenizer, in `work`. */
async function tinyModel(work: string): Promise<string> {
  const tiny = await createTinyModel(
    {
      architecture: 'qwen2',
      hiddenSize: 896,
      intermediateSize: 4864,
      numHiddenLayers: Number(args.layers),
      numAttentionHeads: 14,
      numKeyValueHeads: 2,
      vocabSize: 151936,
      maxPositionEmbeddings: 32768,
      ropeTheta: 1000000,
      seed: 1,
    },
    join(work, 'model'),
  );
  return tiny.dir;
}

/** Real tokens/s and ms/step over the steps after --timing-warmup, from each step's end. */
function speed(ends: { ms: number; tokens: number }[]): Record<string, unknown> {
  const stepTokens = ends.map((e, i) => e.tokens - (i === 0 ? 0 : ends[i - 1]!.tokens));
  const w = Math.min(timingWarmup, ends.length - 1);
  const timed = ends.length - 1 - w;
  if (timed < 1) return { stepTokens };
  const ms = ends[ends.length - 1]!.ms - ends[w]!.ms;
  const tokens = ends[ends.length - 1]!.tokens - ends[w]!.tokens;
  return {
    timingWarmup: w,
    timedSteps: timed,
    timedRealTokens: tokens,
    stepMsMean: Math.round((ms / timed) * 10) / 10,
    realTokensPerSec: Math.round(tokens / (ms / 1000)),
    stepTokens,
  };
}

const work = await mkdtemp(join(tmpdir(), 'gpu-sft-'));
try {
  let started = performance.now();
  const modelDir = args.model ? resolve(args.model) : await tinyModel(work);
  console.log(`model ${modelDir} ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const config: SftConfigInput = {
    model_name_or_path: modelDir,
    train_file_dir: sampleData(),
    output_dir: join(work, 'out'),
    torch_dtype: args['torch-dtype'] as SftConfigInput['torch_dtype'],
    template_name: 'chatml',
    use_peft: true,
    target_modules: 'all',
    lora_rank: 8,
    lora_alpha: 16,
    lora_dropout: Number(args['lora-dropout']),
    per_device_train_batch_size: Number(args.batch),
    model_max_length: Number(args['max-length']),
    max_train_samples: args['max-samples'] === 'all' ? null : Number(args['max-samples']),
    ...(args['validation-split'] === undefined
      ? {}
      : { validation_split_percentage: Number(args['validation-split']) }),
    group_by_length: args['group-by-length'],
    max_steps: steps,
    learning_rate: 2e-4,
    lr_scheduler_type: 'constant_with_warmup',
    warmup_steps: 5,
    logging_steps: 1,
    save_steps: 100000,
    seed: 42,
  };
  let checksums: Record<string, number> | undefined;
  if (args.model) {
    // The rows the trainer will train on (its own data path), summed, for the PyTorch side's same sums.
    const data = await sftData(resolveSftConfig(config), await loadTokenizer(modelDir));
    checksums = {
      rows: data.train.length,
      tokens: data.train.reduce((n, r) => n + r.inputIds.length, 0),
      labelTokens: data.train.reduce((n, r) => n + Array.from(r.labels).filter((l) => l !== -100).length, 0),
      idSum: data.train.reduce((n, r) => n + Array.from(r.inputIds).reduce((a, b) => a + b, 0), 0),
    };
    console.log(`data: ${JSON.stringify(checksums)}`);
  }

  started = performance.now();
  const stepTimes: number[] = [];
  /** At each optimizer step's end: the time and the trainer's real tokens seen so far. */
  const stepEnds: { ms: number; tokens: number }[] = [];
  let last = performance.now();
  const result = await new SftTrainer(config, {
    progress: false,
    log: () => {},
    callbacks: [
      {
        onStepEnd: ({ state }) => {
          stepEnds.push({ ms: performance.now(), tokens: state.num_input_tokens_seen });
        },
        onLog: () => {
          const now = performance.now();
          stepTimes.push(now - last);
          last = now;
        },
      },
    ],
  }).train();
  const seconds = (performance.now() - started) / 1000;
  const history = result.train.logHistory.filter((e: LogEntry) => e.loss !== undefined);
  const losses = history.map((e) => e.loss!);
  const gradNorms = history.map((e) => e.grad_norm ?? NaN);
  console.log(
    `${args.backend}${args.backend === 'cuda' ? ` (${args.matmul} matmul)` : ''}: ${losses.length} steps in ${seconds.toFixed(1)} s, ` +
      `stop ${result.train.stopReason}`,
  );
  console.log(`losses: ${losses.map((l) => l.toFixed(4)).join(' ')}`);

  const summary: Record<string, unknown> = {
    bench: 'gpu-sft',
    backend: args.backend,
    matmul: args.backend === 'cuda' ? args.matmul : 'fp32',
    steps: losses.length,
    seconds: Math.round(seconds * 10) / 10,
    losses,
    gradNorms,
  };
  if (args.model) {
    const sp = speed(stepEnds);
    Object.assign(summary, {
      stack: 'medgpt',
      tag: args.tag ?? (args['group-by-length'] ? 'group_by_length' : 'random'),
      batch: Number(args.batch),
      maxLength: Number(args['max-length']),
      torchDtype: args['torch-dtype'],
      groupByLength: args['group-by-length'],
      data: checksums,
      ...sp,
      ...(args.backend === 'cuda' ? { peakMiB: memoryMiB().poolPeakMiB } : {}),
    });
    console.log(
      `speed: ${String(sp.realTokensPerSec)} real tokens/s, ${String(sp.stepMsMean)} ms/step over ${String(sp.timedSteps)} steps ` +
        `after ${String(sp.timingWarmup)}`,
    );
  }
  if (args['write-reference']) {
    writeFileSync(
      args['write-reference'],
      `${JSON.stringify({ ...summary, made: new Date().toISOString() }, null, 1)}\n`,
    );
    console.log(`reference written to ${args['write-reference']}`);
  }
  if (args.reference) {
    const ref = JSON.parse(readFileSync(args.reference, 'utf8')) as { losses: number[] };
    const n = Math.min(Number(args['compare-steps']), ref.losses.length, losses.length);
    const diffs = Array.from(
      { length: n },
      (_, i) => Math.abs(losses[i]! - ref.losses[i]!) / Math.abs(ref.losses[i]!),
    );
    const worst = Math.max(...diffs);
    console.log(
      `first ${n} steps vs cpu reference: relative differences ${diffs.map((d) => d.toExponential(2)).join(' ')} (worst ${worst.toExponential(2)})`,
    );
    summary.referenceLosses = ref.losses.slice(0, n);
    summary.worstRelativeDiff = worst;
  }
  const finite =
    losses.every(Number.isFinite) && gradNorms.every((g) => Number.isNaN(g) || Number.isFinite(g));
  const tenth = Math.max(1, Math.floor(losses.length / 10));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const firstMean = mean(losses.slice(0, tenth));
  const lastMean = mean(losses.slice(-tenth));
  summary.finite = finite;
  summary.firstTenthMeanLoss = firstMean;
  summary.lastTenthMeanLoss = lastMean;
  console.log(
    `stable: all losses and grad norms finite ${finite}; mean loss of the first tenth ${firstMean.toFixed(4)}, last tenth ${lastMean.toFixed(4)}`,
  );
  if (args.json) writeFileSync(args.json, `${JSON.stringify(summary)}\n`, { flag: 'a' });
} finally {
  await rm(work, { recursive: true, force: true });
}
