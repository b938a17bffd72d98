#!/usr/bin/env node
// Turns the JSON lines of bench/gpu/gpu-serve.sh (ours: bench/gpu/gpu-serve.ts, PyTorch: bench/torch/gpu_serve_torch.py)
// into one markdown table for bench/RESULTS.md: per case (single stream, concurrent streams) and stack,
// aggregate tokens/s, decode tokens/s, time to first token, ours / HF ratios taken within the run and
// issue 15's goals; then the checks (same prompts on both sides, every stream got all its tokens, our
// greedy tokens equal models' generate(), no leak).
//
//   node bench/gpu/gpu-serve.report.mjs results.jsonl
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (file === undefined) {
  console.error('usage: node bench/gpu/gpu-serve.report.mjs results.jsonl');
  process.exit(2);
}
const lines = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('{'))
  .map((l) => JSON.parse(l))
  .filter((l) => l.bench === 'gpu-serve');
const env = lines.find((l) => l.env)?.env;
const results = lines.filter((l) => l.stack !== undefined);
const ours = results.filter((r) => r.stack === 'medgpt');
const torch = results.filter((r) => r.stack === 'pytorch');

/** Issue 15's done-when, per case: single-stream decode tokens/s, concurrent aggregate tokens/s. */
const GOALS = {
  single: { field: 'decodeTokensPerSec', min: 400 },
  batch: { field: 'tokensPerSec', min: 8000 },
};

const num = (x, digits = 0) =>
  x === undefined || x === null ? 'n/a' : x.toLocaleString('en-US', { maximumFractionDigits: digits });
const ratio = (a, b) => (!a || !b ? 'n/a' : (a / b).toFixed(2));

const out = [];
if (env)
  out.push(`GPU ${env.gpu}; PyTorch ${env.torch} (CUDA ${env.cuda}), transformers ${env.transformers}`);
const any = results.find((r) => r.error === undefined);
if (any)
  out.push(
    `model: Qwen2.5-0.5B shape, ${any.layers} layers, vocab ${any.vocab}, random weights; prompts of ` +
      `${any.promptTokens} tokens, ${any.newTokens} new tokens per stream, greedy (eos ignored / min_new_tokens)`,
  );
out.push('');
out.push(
  '| case | stack | tokens/s (aggregate) | decode tokens/s | time to first token p50 / p99 ms | s | peak MiB | medgpt / HF tokens/s | medgpt / HF decode | goal |',
);
out.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
const stackLabel = (r) =>
  r.stack === 'medgpt'
    ? `medgpt engine (${r.backend}, ${r.precision} matmuls, fp32 weights)`
    : 'HF generate (bf16 weights, sdpa)';
for (const kase of ['single', 'batch']) {
  const o = ours.find((r) => r.case === kase);
  const t = torch.find((r) => r.case === kase);
  const streams = (o ?? t)?.streams;
  const label = kase === 'single' ? '1 stream' : `${streams ?? '?'} streams`;
  for (const r of [o, t]) {
    if (r === undefined) continue;
    if (r.error !== undefined) {
      out.push(`| ${label} | ${stackLabel(r)} | failed: ${r.error.replace(/\|/g, '/')} | | | | | | | |`);
      continue;
    }
    const isOurs = r.stack === 'medgpt';
    const okT = t?.error === undefined ? t : undefined;
    const goal = GOALS[kase];
    const met = isOurs
      ? `${r[goal.field] >= goal.min ? 'met' : 'NOT met'} (${goal.field} >= ${num(goal.min)})`
      : '';
    out.push(
      `| ${label} | ${stackLabel(r)} | ${num(r.tokensPerSec, 1)} | ${num(r.decodeTokensPerSec, 1)} | ` +
        `${num(r.ttftMsP50, 1)} / ${num(r.ttftMsP99, 1)} | ${r.seconds} | ${num(r.peakMiB)} | ` +
        `${isOurs ? `**${ratio(r.tokensPerSec, okT?.tokensPerSec)}**` : ''} | ` +
        `${isOurs ? ratio(r.decodeTokensPerSec, okT?.decodeTokensPerSec) : ''} | ${met} |`,
    );
  }
}
out.push('');
out.push(
  "tokens/s = every stream's new tokens / (last token - submit); decode tokens/s counts the tokens after " +
    "each stream's first over the time after the last first token (ours) or (all - first token) / " +
    "(generate of all - generate of 1) (HF); HF's time to first token is one generate of a single token.",
);

const ok = results.filter((r) => r.error === undefined);
const checks = [];
const sums = new Set(ok.map((r) => `${r.case}:${r.checksum}`));
const sameByCase = ['single', 'batch'].every(
  (k) => new Set(ok.filter((r) => r.case === k).map((r) => r.checksum)).size <= 1,
);
checks.push(sameByCase ? 'same prompts on both sides' : `DIFFERENT prompts: ${[...sums].join(', ')}`);
const short = ok.filter((r) => !r.allLengthsRight);
checks.push(
  short.length === 0
    ? 'every stream got all its new tokens'
    : `SHORT streams: ${short.map((r) => `${r.stack} ${r.case}`).join(', ')}`,
);
const single = ours.find((r) => r.case === 'single' && r.error === undefined);
if (single)
  checks.push(
    `our greedy tokens equal models' generate() for the first ${single.matchesGenerate} of ${single.newTokens}`,
  );
const leaks = ours.filter((r) => r.leaked !== undefined && r.leaked !== 0);
checks.push(
  leaks.length === 0 ? 'no tensor leaked' : `LEAKS: ${leaks.map((r) => `${r.case} ${r.leaked}`).join(', ')}`,
);
for (const kase of ['single', 'batch']) {
  const lacking = [
    ours.some((r) => r.case === kase) ? null : 'medgpt',
    torch.some((r) => r.case === kase) ? null : 'HF',
  ].filter(Boolean);
  if (lacking.length > 0)
    checks.push(
      `no ${lacking.join(' or ')} result for ${kase} (timed out, crashed or missing: see summary.txt and the logs)`,
    );
}
out.push('');
out.push(`Checks: ${checks.join('; ')}.`);
console.log(out.join('\n'));
