#!/usr/bin/env node
// Turns the JSON lines of bench/gpu/gpu-train.sh (ours: bench/gpu/gpu-train.ts, PyTorch:
// bench/torch/gpu_train_torch.py) into the comparison table of bench/RESULTS.md: tokens/s, peak GPU memory
// and the ratio ours / PyTorch at the same matmul precision: bf16 (ours: bf16 tensor-core matmuls with
// fp32 accumulation; PyTorch: autocast bf16) and, when both ran, fp32.
//
//   node bench/gpu/gpu-train.report.mjs results.jsonl
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (file === undefined) {
  console.error('usage: node bench/gpu/gpu-train.report.mjs results.jsonl');
  process.exit(2);
}
const lines = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('{'))
  .map((l) => JSON.parse(l));
const env = lines.find((l) => l.env)?.env;
const results = lines.filter((l) => l.mode !== undefined);

const find = (stack, precision, mode, decodeBatch) =>
  results.find(
    (r) =>
      r.stack === stack &&
      r.precision === precision &&
      r.mode === mode &&
      (decodeBatch === undefined || r.decodeBatch === decodeBatch),
  );
const num = (x, digits = 0) =>
  x === undefined ? 'n/a' : x.toLocaleString('en-US', { maximumFractionDigits: digits });
const ratio = (a, b) => (a === undefined || b === undefined ? 'n/a' : (a / b).toFixed(3));

const cases = [
  ['LoRA r8 all-linear, train', 'lora'],
  ['full fine-tune, train', 'full'],
  ['decode, batch 1', 'decode', 1],
  ['decode, batch 16', 'decode', 16],
];
const out = [];
if (env)
  out.push(
    `GPU ${env.gpu}; PyTorch ${env.torch} (CUDA ${env.cuda}), transformers ${env.transformers}, peft ${env.peft}`,
  );
const any = results[0];
if (any) out.push(`model: Qwen2.5-0.5B shape, ${any.layers} layers, vocab ${any.vocab}`);
out.push('');
out.push(
  '| case | medgpt bf16 tokens/s | PyTorch bf16 tokens/s | medgpt / PyTorch bf16 | medgpt fp32 tokens/s | PyTorch fp32 tokens/s | medgpt / PyTorch fp32 | peak MiB medgpt bf16 (pool) | peak MiB PyTorch bf16 (reserved / allocated) |',
);
out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [label, mode, b] of cases) {
  const o16 = find('medgpt', 'bf16', mode, b);
  const o32 = find('medgpt', 'fp32', mode, b);
  const t32 = find('pytorch', 'fp32', mode, b);
  const t16 = find('pytorch', 'bf16', mode, b);
  const mem = (r) => (r ? `${num(r.peakMiB)} / ${num(r.peakAllocatedMiB)}` : 'n/a');
  out.push(
    `| ${label} | ${num(o16?.tokensPerSec, 1)} | ${num(t16?.tokensPerSec, 1)} | **${ratio(o16?.tokensPerSec, t16?.tokensPerSec)}** | ` +
      `${num(o32?.tokensPerSec, 1)} | ${num(t32?.tokensPerSec, 1)} | ${ratio(o32?.tokensPerSec, t32?.tokensPerSec)} | ` +
      `${num(o16?.peakMiB)} | ${mem(t16)} |`,
  );
}
out.push('');
out.push(
  '| stack | precision | mode | batch x seq | timed steps | ms/step (mean, median) | first loss | last loss |',
);
out.push('| --- | --- | --- | --- | ---: | --- | ---: | ---: |');
for (const r of results.filter((x) => x.mode !== 'decode')) {
  out.push(
    `| ${r.stack} | ${r.precision} | ${r.mode} | ${r.batch} x ${r.seq} | ${r.steps} | ${r.stepMsMean}, ${r.stepMsMedian} | ` +
      `${r.firstLoss.toFixed(4)} | ${r.lastLoss.toFixed(4)} |`,
  );
}
console.log(out.join('\n'));
