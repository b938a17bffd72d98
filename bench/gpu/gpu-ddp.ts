// Data parallel on GPUs, through the real trainer: full fine-tuning SFT of a Qwen2.5-0.5B-shaped model
// (createTinyModel, seed 1; MedicalGPT's medical_sft_1K_format.jsonl, ChatML) for --steps steps, as one
// rank of a run started by medgpt-launch.mjs (or alone). Each rank prints one JSON line: its peak device
// memory; rank 0 adds the loss of every step and tokens/s. bench/gpu/gpu-ddp.sh runs it as 1 process, 2
// processes (DDP) and 2 processes with --zero_stage 1 at the same global batch and compares them
// (bench/gpu/gpu-ddp.report.mjs). Bundled by packages/distributed/scripts/bundle-nccl-check.mjs.
//
//   node medgpt-launch.mjs --nproc_per_node 2 gpu-ddp.mjs --accum 4 --zero_stage 1 --json results.jsonl
import { appendFileSync, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tf } from '@medgpt/core-tensor';
import { createCudaProvider, type MatmulPrecision } from '@medgpt/backend-cuda';
import { destroyProcessGroup, readDistributedEnv } from '@medgpt/distributed';
import { createTinyModel } from '@medgpt/models';
import type { LogEntry } from '@medgpt/trainer';
import { SftTrainer } from '@medgpt/trainers-sft';

const { values: args } = parseArgs({
  options: {
    matmul: { type: 'string', default: 'fp32' },
    steps: { type: 'string', default: '20' },
    layers: { type: 'string', default: '24' },
    vocab: { type: 'string', default: '151936' },
    batch: { type: 'string', default: '2' },
    accum: { type: 'string', default: '2' },
    seq: { type: 'string', default: '256' },
    zero_stage: { type: 'string', default: '0' },
    label: { type: 'string', default: '' },
    data: { type: 'string' },
    json: { type: 'string' },
  },
});
const place = readDistributedEnv();
const rank = place?.rank ?? 0;
const world = place?.worldSize ?? 1;

const loaded = await createCudaProvider({ matmulPrecision: args.matmul as MatmulPrecision }).load();
if (!loaded.ok) {
  console.error(`cuda backend not available: ${loaded.reason}`);
  process.exit(2);
}
await tf.setBackend('cuda');

function sampleData(): string {
  if (args.data) return resolve(args.data);
  const name = join('data', 'medicalgpt', 'sft', 'medical_sft_1K_format.jsonl');
  for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()])
    for (let dir = start; ; dir = dirname(dir)) {
      if (existsSync(join(dir, name))) return join(dir, name);
      if (dirname(dir) === dir) break;
    }
  throw new Error(`${name} not found; pass --data`);
}

type GpuMemory = tf.MemoryInfo & { numBytesInGPUPeak?: number };
const MiB = 2 ** 20;
const work = await mkdtemp(join(tmpdir(), `gpu-ddp-${rank}-`));
try {
  const tiny = await createTinyModel(
    {
      architecture: 'qwen2',
      hiddenSize: 896,
      intermediateSize: 4864,
      numHiddenLayers: Number(args.layers),
      numAttentionHeads: 14,
      numKeyValueHeads: 2,
      vocabSize: Number(args.vocab),
      maxPositionEmbeddings: 32768,
      ropeTheta: 1000000,
      seed: 1,
    },
    join(work, 'model'),
  );
  const started = performance.now();
  const result = await new SftTrainer(
    {
      model_name_or_path: tiny.dir,
      train_file_dir: sampleData(),
      output_dir: join(work, 'out'),
      torch_dtype: 'float32',
      template_name: 'chatml',
      use_peft: false,
      per_device_train_batch_size: Number(args.batch),
      gradient_accumulation_steps: Number(args.accum),
      model_max_length: Number(args.seq),
      max_train_samples: 800,
      max_steps: Number(args.steps),
      learning_rate: 2e-5,
      lr_scheduler_type: 'constant',
      logging_steps: 1,
      save_strategy: 'no',
      seed: 42,
      zero_stage: Number(args.zero_stage),
    },
    { progress: false, log: () => {} },
  ).train();
  const seconds = (performance.now() - started) / 1000;
  const history = result.train.logHistory.filter((e: LogEntry) => e.loss !== undefined);
  const line = {
    bench: 'ddp',
    label: args.label || `${world}x${args.zero_stage === '1' ? ' zero1' : ''}`,
    rank,
    world,
    zeroStage: Number(args.zero_stage),
    batch: Number(args.batch),
    accum: Number(args.accum),
    seq: Number(args.seq),
    layers: Number(args.layers),
    matmul: args.matmul,
    seconds: Math.round(seconds * 10) / 10,
    peakMiB: Math.round(((tf.memory() as GpuMemory).numBytesInGPUPeak ?? 0) / MiB),
    ...(rank === 0
      ? {
          losses: history.map((e) => e.loss),
          tokensPerSecond: history.map((e) => e.tokens_per_second),
          stepsPerSecond: result.train.metrics.train_steps_per_second,
        }
      : {}),
  };
  console.log(JSON.stringify(line));
  if (args.json) appendFileSync(args.json, `${JSON.stringify(line)}\n`);
} finally {
  await destroyProcessGroup();
  await rm(work, { recursive: true, force: true });
}
