#!/usr/bin/env node
// Turns the JSON lines of bench/gpu/gpu-dpo.sh (ours: bench/gpu/gpu-dpo.ts, PyTorch: bench/torch/gpu_dpo_torch.py)
// into one markdown table for bench/RESULTS.md: per case (activation checkpointing, reference log-probs
// in the step or precomputed) and stack, tokens/s, ms/step, peak GPU memory and ours / PyTorch ratios
// taken within the run; then the checks (same batch on both sides, step-1 loss = ln 2, no leak).
//
//   node bench/gpu/gpu-dpo.report.mjs results.jsonl
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (file === undefined) {
  console.error('usage: node bench/gpu/gpu-dpo.report.mjs results.jsonl');
  process.exit(2);
}
const lines = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('{'))
  .map((l) => JSON.parse(l))
  .filter((l) => l.bench === 'gpu-dpo');
const env = lines.find((l) => l.env)?.env;
const results = lines.filter((l) => l.stack !== undefined);
const ours = results.filter((r) => r.stack === 'medgpt');
const torch = results.filter((r) => r.stack === 'pytorch');

const num = (x, digits = 0) =>
  x === undefined || x === null ? 'n/a' : x.toLocaleString('en-US', { maximumFractionDigits: digits });
const ratio = (a, b) => (!a || !b ? 'n/a' : (a / b).toFixed(3)); // n/a also for 0 (no peak on a host backend)
const yesNo = (b) => (b ? 'yes' : 'no');

const out = [];
if (env)
  out.push(
    `GPU ${env.gpu}; PyTorch ${env.torch} (CUDA ${env.cuda}), transformers ${env.transformers}, peft ${env.peft}`,
  );
const any = results.find((r) => r.error === undefined);
if (any) {
  out.push(
    `model: Qwen2.5-0.5B shape, ${any.layers} layers, vocab ${any.vocab}; LoRA r 8, alpha 16, dropout 0, every ` +
      `linear but lm_head; DPO sigmoid, beta ${any.beta}; AdamW lr ${any.lr}, no weight decay, no clipping`,
  );
  out.push(
    `batch: ${any.pairs} pairs = ${any.rows} rows x ${any.seq}; [prompt, chosen, rejected] lengths ` +
      `${any.lengths.map((l) => `[${l.join(', ')}]`).join(' ')}; tokens/s counts the ${num(any.realTokens)} real ` +
      `tokens (prompt + answer of every row) of the ${num(any.paddedTokens)} padded ones per step ` +
      `(${num(any.completionTokens)} answer tokens)`,
  );
}
out.push('');

const cases = [];
for (const r of results) {
  if (!cases.some((c) => c.ckpt === r.ckpt && c.precompute === r.precompute))
    cases.push({ ckpt: r.ckpt, precompute: r.precompute });
}
cases.sort((a, b) => Number(a.ckpt) - Number(b.ckpt) || Number(a.precompute) - Number(b.precompute));

const stackLabel = (r) =>
  r.stack === 'medgpt'
    ? `medgpt (${r.backend}, ${r.precision} matmuls, fp32 weights)`
    : `PyTorch (autocast bf16, ${r.baseDtype} base weights)`;

out.push(
  '| activation ckpt | reference log-probs | stack | tokens/s | ms/step (mean / median) | peak MiB | medgpt / PyTorch tokens/s | medgpt / PyTorch peak | step-1 loss |',
);
out.push('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const c of cases) {
  const same = (r) => r.ckpt === c.ckpt && r.precompute === c.precompute;
  const o = ours.find(same);
  const rows = [
    ...(o ? [o] : []),
    ...torch.filter(same).sort((a, b) => (a.baseDtype < b.baseDtype ? -1 : 1)),
  ];
  for (const r of rows) {
    const head = `| ${yesNo(c.ckpt)} | ${c.precompute ? 'precomputed' : 'in the step'} | ${stackLabel(r)} |`;
    if (r.error !== undefined) {
      out.push(`${head} failed: ${r.error.replace(/\|/g, '/')} | | | | | |`);
      continue;
    }
    const isOurs = r.stack === 'medgpt';
    const peak = isOurs
      ? `${num(r.peakMiB)} (pool)`
      : `${num(r.peakMiB)} / ${num(r.peakAllocatedMiB)} (reserved / allocated)`;
    const okOurs = o && o.error === undefined ? o : undefined;
    out.push(
      `${head} ${num(r.tokensPerSec)} | ${r.stepMsMean} / ${r.stepMsMedian} | ${peak} | ` +
        `${isOurs ? '' : `**${ratio(okOurs?.tokensPerSec, r.tokensPerSec)}**`} | ` +
        `${isOurs ? '' : ratio(okOurs?.peakMiB, r.peakMiB)} | ${r.firstLoss.toFixed(4)} |`,
    );
  }
}
out.push('');
out.push(
  'medgpt / PyTorch tokens/s > 1: ours is faster; medgpt / PyTorch peak < 1: ours needs less (our pool peak ' +
    "against PyTorch's reserved peak; both include the weights and, when precomputed, the reference pass).",
);

// Checks.
const ok = results.filter((r) => r.error === undefined);
const checks = [];
const sums = new Set(ok.map((r) => `${r.checksum}/${r.realTokens}`));
checks.push(
  sums.size <= 1
    ? `same batch everywhere (checksum ${ok[0]?.checksum}, ${ok[0]?.realTokens} real tokens)`
    : `DIFFERENT batches: ${[...sums].join(', ')}`,
);
const worst = ok.reduce((m, r) => Math.max(m, Math.abs(r.firstLoss - Math.LN2)), 0);
checks.push(`step-1 loss vs ln 2 = 0.693147: largest difference ${worst.toExponential(2)}`);
const leaks = ours.filter((r) => r.error === undefined && r.leaked !== 0);
checks.push(
  leaks.length === 0
    ? 'no tensor leaked over our timed steps'
    : `LEAKS: ${leaks.map((r) => `ckpt ${r.ckpt} precompute ${r.precompute}: ${r.leaked}`).join('; ')}`,
);
const failed = results.filter((r) => r.error !== undefined);
if (failed.length > 0) checks.push(`${failed.length} case(s) failed (see the table)`);
for (const c of cases) {
  const same = (r) => r.ckpt === c.ckpt && r.precompute === c.precompute;
  const lacking = [ours.some(same) ? null : 'medgpt', torch.some(same) ? null : 'PyTorch'].filter(Boolean);
  if (lacking.length > 0)
    checks.push(
      `no ${lacking.join(' or ')} result for ckpt ${yesNo(c.ckpt)}, reference ${c.precompute ? 'precomputed' : 'in the step'} ` +
        '(timed out or crashed: see summary.txt and the logs)',
    );
}
out.push('');
out.push(`Checks: ${checks.join('; ')}.`);
out.push('');
out.push(
  '| stack | ckpt | reference | timed steps | step ms | losses (first 5) | reference pass before training ms |',
);
out.push('| --- | --- | --- | ---: | --- | --- | ---: |');
const order = (r) => 4 * Number(r.ckpt) + 2 * Number(r.precompute) + (r.stack === 'medgpt' ? 0 : 1);
for (const r of [...ok].sort((a, b) => order(a) - order(b))) {
  out.push(
    `| ${stackLabel(r)} | ${yesNo(r.ckpt)} | ${r.precompute ? 'precomputed' : 'in the step'} | ${r.steps} | ` +
      `${r.stepMs.join(' ')} | ${r.losses.map((l) => l.toFixed(4)).join(' ')} | ${num(r.precomputeMs)} |`,
  );
}
console.log(out.join('\n'));
