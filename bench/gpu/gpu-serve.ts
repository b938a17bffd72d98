// The GPU serving benchmark, our side: @medgpt/serving's InferenceEngine (continuous batching over the
// slot KV cache written in place) on a Qwen2.5-0.5B-shaped random model, greedy, for comparison with HF
// transformers' generate (bench/torch/gpu_serve_torch.py) in the same device run (bench/gpu/gpu-serve.sh). Numbers,
// not a test. One case per process, so each case's peak memory is its own.
//
//   node .device/cuda/gpu-serve.mjs [--case single|batch] [--backend cuda|cpu] [--matmul bf16|fp32]
//     [--streams 64] [--prompt 32] [--new-tokens 256] [--layers 24] [--vocab 151936] [--hidden 896]
//     [--intermediate 4864] [--heads 14] [--kv-heads 2] [--json FILE] [--tiny]
//
// --case single: one request (prompt tokens, then new tokens with ignore_eos, as HF's min_new_tokens):
// time to first token (prefill + first sampled token), decode tokens/s over the tokens after the first,
// and whether the greedy tokens equal models' generate() of the same prompt on the same backend.
// --case batch: `streams` requests submitted in one tick (the engine prefills them together, then
// decodes all of them each step): aggregate tokens/s = streams x new tokens / (last token - submit),
// time to first token per stream (p50 / p99), decode tokens/s after every stream's first token. Each
// case warms up first with the same shapes and as many new tokens (cuBLASLt plans, kernel modules, and the
// decode graphs of every key span; --warmup-tokens N shortens it; --capture off decodes eagerly). Prompts
// are the same ids as the PyTorch side's (promptIds below, also in gpu_serve_torch.py). --tiny: a small
// shape for checking the program on the cpu backend. --ncu-range: Nsight Compute profiles only the timed
// run (start ncu with --profile-from-start off).
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { tf } from '@medgpt/core-tensor';
import { generate } from '@medgpt/models';
import { InferenceEngine, type GenerationStream } from '@medgpt/serving';
import { buildRandomModel, memoryMiB, qwenRawConfig, setupBackend } from '../lib/gpu-model.js';
import { promptIds } from '../lib/serve-prompts.js';
import { wideTokenizer } from '../lib/serve-tokenizer.js';
import { formatKernelProfile, profileCudaKernels } from '../lib/cuda-kernel-profile.js';
import { timeGraphLaunches, type GraphLaunchTimer } from '../lib/graph-launch-timer.js';
import { cudaProfilerRange, type ProfilerRange } from '../lib/cuda-profiler-range.js';

const { values: args } = parseArgs({
  options: {
    case: { type: 'string', default: 'single' },
    backend: { type: 'string', default: 'cuda' },
    matmul: { type: 'string', default: 'bf16' },
    tiny: { type: 'boolean', default: false },
    streams: { type: 'string' },
    prompt: { type: 'string' },
    'new-tokens': { type: 'string' },
    layers: { type: 'string' },
    vocab: { type: 'string' },
    hidden: { type: 'string' },
    intermediate: { type: 'string' },
    heads: { type: 'string' },
    'kv-heads': { type: 'string' },
    json: { type: 'string' },
    capture: { type: 'string', default: 'auto' },
    'profile-graphs': { type: 'boolean', default: false },
    'profile-kernels': { type: 'boolean', default: false },
    'ncu-range': { type: 'boolean', default: false },
    'warmup-tokens': { type: 'string' },
  },
});

/** An option's value, else its --tiny default, else the Qwen2.5-0.5B-shape default. */
const option = (name: keyof typeof args, full: number, tiny: number): number =>
  Number((args[name] as string | undefined) ?? (args.tiny ? tiny : full));
const kase = args.case;
if (kase !== 'single' && kase !== 'batch') throw new Error(`--case: expected single or batch, got ${kase}`);
const streams = kase === 'single' ? 1 : option('streams', 64, 8);
const promptTokens = option('prompt', 32, 8);
const newTokens = option('new-tokens', 256, 16);
const shape = {
  layers: option('layers', 24, 2),
  vocab: option('vocab', 151936, 512),
  hidden: option('hidden', 896, 64),
  intermediate: option('intermediate', 4864, 128),
  heads: option('heads', 14, 4),
  kvHeads: option('kv-heads', 2, 2),
};
const precision = args.backend === 'cuda' ? args.matmul : 'fp32';

// ---- the model, the tokenizer, the prompts ---------------------------------------------------------------

await setupBackend(args.backend, args.matmul);
const started = performance.now();
const model = buildRandomModel(qwenRawConfig(shape));
const params = [...model.weights.values()].reduce((n, w) => n + w.size, 0);
console.log(
  `model: ${shape.layers} layers, vocab ${shape.vocab}, ${(params / 1e6).toFixed(1)}M parameters on ` +
    `${args.backend} (matmul ${precision}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
// Random weights make ids anywhere in the vocabulary: a tokenizer that decodes every one of them, so
// each token streams through the detokenizer as when serving.
const tokenizer = wideTokenizer(shape.vocab, promptTokens + newTokens);
const prompts = promptIds(streams, promptTokens, Math.min(shape.vocab, 151643));
const checksum = prompts.flat().reduce((a, b) => a + b, 0);
console.log(
  `case ${kase}: ${streams} stream(s), prompt ${promptTokens} tokens, ${newTokens} new tokens each ` +
    `(greedy, eos ignored), prompt checksum ${checksum}`,
);

// ---- running requests ----------------------------------------------------------------------------------

interface StreamTimes {
  /** ms from submit to each token. */
  tokenMs: number[];
  tokenIds: number[];
}

/** Submits every prompt in one tick and times each stream's tokens. */
async function runRequests(
  engine: InferenceEngine,
  maxTokens: number,
): Promise<{ times: StreamTimes[]; wallMs: number }> {
  const submitted = performance.now();
  const handles: GenerationStream[] = prompts.map((p) =>
    engine.generate({ promptIds: p, maxTokens, temperature: 0, ignoreEos: true }),
  );
  const times = await Promise.all(
    handles.map(async (stream) => {
      const t: StreamTimes = { tokenMs: [], tokenIds: [] };
      for await (const chunk of stream) {
        t.tokenMs.push(performance.now() - submitted);
        t.tokenIds.push(chunk.tokenId);
      }
      return t;
    }),
  );
  return { times, wallMs: performance.now() - submitted };
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

const tensorsBefore = tf.memory().numTensors;
const engine = new InferenceEngine(model, {
  tokenizer,
  maxSequences: streams,
  maxModelLen: promptTokens + newTokens,
  // auto: greedy decode steps recorded as CUDA graphs on cuda (one per padded batch and key span);
  // off: every step launched op by op.
  captureDecode: args.capture === 'off' ? false : 'auto',
});
// The warm-up runs as long as the timed run by default, so every decode graph (one per key span) is
// recorded before timing, as cuBLASLt plans are; --warmup-tokens 4 times a cold start instead.
const warmupTokens = Number(args['warmup-tokens'] ?? newTokens);
const warm = performance.now();
await runRequests(engine, Math.min(warmupTokens, newTokens));
const warmMs = performance.now() - warm;
const timer: GraphLaunchTimer | null =
  args['profile-graphs'] && args.backend === 'cuda' ? timeGraphLaunches() : null;
// --ncu-range: only the timed run is profiled (run under `ncu --profile-from-start off`).
const range: ProfilerRange | null = args['ncu-range'] && args.backend === 'cuda' ? cudaProfilerRange() : null;
range?.start();
const { times, wallMs } = await runRequests(engine, newTokens);
range?.stop();
const graphTime = timer?.finish() ?? null;
if (graphTime !== null)
  console.log(
    `recorded steps: ${graphTime.launches} replays, GPU ${(graphTime.gpuMs / Math.max(1, graphTime.launches)).toFixed(3)} ms ` +
      `each (${graphTime.gpuMs.toFixed(0)} ms of the ${wallMs.toFixed(0)} ms run)`,
  );
const capturedDecode = engine.stats.capturedDecode;
if (args['profile-kernels'] && args.backend === 'cuda') {
  // One more run of 9 new tokens per stream, decoded eagerly (a recorded step has no kernel dispatches to
  // time): GPU time per tfjs kernel of one prefill and 8 decode steps.
  const eager = new InferenceEngine(model, {
    tokenizer,
    maxSequences: streams,
    maxModelLen: promptTokens + newTokens,
    captureDecode: false,
  });
  const profile = await profileCudaKernels(() => runRequests(eager, 9));
  await eager.close();
  console.log('kernels of one prefill and 8 eager decode steps:');
  for (const l of formatKernelProfile(profile, 30)) console.log(l);
}
console.log(
  `decode steps: ${capturedDecode.enabled ? 'recorded and replayed (CUDA graphs)' : 'eager'}` +
    (capturedDecode.error ? ` (recording failed: ${capturedDecode.error})` : ''),
);
await engine.close();
const leaked = tf.memory().numTensors - tensorsBefore;

const counts = times.map((t) => t.tokenIds.length);
const total = counts.reduce((a, b) => a + b, 0);
const ttft = times.map((t) => t.tokenMs[0]!);
const lastFirst = Math.max(...ttft);
// Decode rate: tokens after each stream's first, over the time after the last stream's first token.
const decodeTokensPerSec = ((total - streams) / (wallMs - lastFirst)) * 1000;
const tokensPerSec = (total / wallMs) * 1000;
const gaps = times.flatMap((t) => t.tokenMs.slice(1).map((ms, i) => ms - t.tokenMs[i]!));

// Greedy check (single stream): the engine's tokens against models' generate() on the same backend.
let matchesGenerate: number | null = null;
if (kase === 'single') {
  const reference = await generate(model, [prompts[0]!], {
    maxNewTokens: newTokens,
    doSample: false,
    eosTokenIds: [],
  });
  const want = reference.tokenIds[0]!;
  const got = times[0]!.tokenIds;
  matchesGenerate = 0;
  while (matchesGenerate < want.length && want[matchesGenerate] === got[matchesGenerate]) matchesGenerate++;
  console.log(
    `greedy tokens equal to models' generate() on ${args.backend}: first ${matchesGenerate} of ${want.length}` +
      (matchesGenerate < want.length ? ' (bf16 near-ties can part them; fp32 should not)' : ''),
  );
}
const mem = memoryMiB();

console.log(`warm-up (same shapes, ${warmupTokens} new tokens) ${warmMs.toFixed(0)} ms`);
console.log(
  `${total} tokens in ${(wallMs / 1000).toFixed(2)} s: ${tokensPerSec.toFixed(1)} tokens/s aggregate; ` +
    `decode ${decodeTokensPerSec.toFixed(1)} tokens/s (${((streams / decodeTokensPerSec) * 1000).toFixed(2)} ms per step ` +
    `of ${streams}); time to first token p50 ${quantile(ttft, 0.5).toFixed(1)} ms, p99 ${quantile(ttft, 0.99).toFixed(1)} ms; ` +
    `inter-token p50 ${gaps.length ? quantile(gaps, 0.5).toFixed(2) : 'n/a'} ms; peak ${mem.poolPeakMiB} MiB (pool); ` +
    `tensors leaked ${leaked}`,
);

const line = JSON.stringify({
  bench: 'gpu-serve',
  stack: 'medgpt',
  case: kase,
  backend: args.backend,
  precision,
  layers: shape.layers,
  vocab: shape.vocab,
  streams,
  promptTokens,
  newTokens,
  checksum,
  tokens: total,
  allLengthsRight: counts.every((c) => c === newTokens),
  seconds: round(wallMs / 1000, 3),
  tokensPerSec: round(tokensPerSec),
  decodeTokensPerSec: round(decodeTokensPerSec),
  ttftMsP50: round(quantile(ttft, 0.5)),
  ttftMsP99: round(quantile(ttft, 0.99)),
  interTokenMsP50: gaps.length ? round(quantile(gaps, 0.5), 2) : null,
  warmupMs: Math.round(warmMs),
  warmupTokens,
  capturedDecode: capturedDecode.enabled,
  captureError: capturedDecode.error,
  graphReplays: graphTime?.launches ?? null,
  graphGpuMsPerReplay: graphTime ? round(graphTime.gpuMs / Math.max(1, graphTime.launches), 3) : null,
  matchesGenerate,
  peakMiB: mem.poolPeakMiB,
  liveMiB: mem.liveMiB,
  leaked,
});
console.log(line);
if (args.json) appendFileSync(args.json, `${line}\n`);
model.dispose();
if (leaked !== 0 || !counts.every((c) => c === newTokens)) process.exit(1);
