#!/usr/bin/env node
// Turns the JSON lines of bench/gpu/gpu-train.sh or bench/gpu/gpu-issue19.sh (ours: bench/gpu/gpu-train.ts,
// PyTorch: bench/torch/gpu_train_torch.py) into the comparison table of bench/RESULTS.md: tokens/s, peak GPU
// memory and the ratio ours / PyTorch at the same matmul precision: bf16 (ours: bf16 tensor-core matmuls with
// fp32 accumulation; PyTorch: autocast bf16) and, when both ran, fp32. LoRA is compared with each PyTorch
// LoRA row that ran: the base in bf16 (as MedicalGPT runs LoRA: torch_dtype bfloat16, fp32 adapters) and the
// base in fp32 (JSON field loraBase; lines without it are fp32-base rows).
//
//   node bench/gpu/gpu-train.report.mjs results.jsonl [round2.jsonl ...]
//
// Each file is one round (ours and PyTorch measured in it); with several, every figure reads
// "round 1 / round 2 / ...", and each round's ratio is taken within the round.
import { readFileSync } from 'node:fs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node bench/gpu/gpu-train.report.mjs results.jsonl [round2.jsonl ...]');
  process.exit(2);
}
const rounds = files.map((file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l)),
);
const env = rounds.flat().find((l) => l.env)?.env;
const resultsOf = (lines) => lines.filter((l) => l.mode !== undefined && l.bench === 'gpu-train');

const find = (results, stack, precision, mode, decodeBatch, loraBase) =>
  results.find(
    (r) =>
      r.stack === stack &&
      r.precision === precision &&
      r.mode === mode &&
      (decodeBatch === undefined || r.decodeBatch === decodeBatch) &&
      (loraBase === undefined || (r.loraBase ?? 'fp32') === loraBase),
  );
const num = (x, digits = 0) =>
  x === undefined || x === null ? 'n/a' : x.toLocaleString('en-US', { maximumFractionDigits: digits });
const ratio = (a, b) => (a === undefined || b === undefined ? 'n/a' : (a / b).toFixed(3));
const joined = (xs) => xs.join(' / ');

/** [label, mode, decode batch, PyTorch's LoRA base, the PyTorch row's name] */
const cases = [
  ['LoRA r8 all-linear, train', 'lora', undefined, 'bf16', 'bf16 base + fp32 adapters (MedicalGPT)'],
  ['LoRA r8 all-linear, train', 'lora', undefined, 'fp32', 'fp32 base'],
  ['full fine-tune, train', 'full', undefined, undefined, 'fp32 master weights'],
  ['decode, batch 1', 'decode', 1, undefined, 'HF generate, bf16 model'],
  ['decode, batch 16', 'decode', 16, undefined, 'HF generate, bf16 model'],
];
const out = [];
if (env)
  out.push(
    `GPU ${env.gpu}; PyTorch ${env.torch} (CUDA ${env.cuda}), transformers ${env.transformers}, peft ${env.peft}`,
  );
const any = resultsOf(rounds.flat())[0];
if (any) out.push(`model: Qwen2.5-0.5B shape, ${any.layers} layers, vocab ${any.vocab}`);
if (files.length > 1) out.push(`${files.length} rounds (figures: round 1 / round 2 / ...)`);
out.push('');
out.push(
  '| case | precision | PyTorch row | medgpt tokens/s | PyTorch tokens/s | medgpt / PyTorch | ms/step medgpt | ms/step PyTorch | peak MiB medgpt (pool) | peak MiB PyTorch reserved (allocated) |',
);
out.push('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const precision of ['bf16', 'fp32']) {
  for (const [label, mode, b, base, row] of cases) {
    const pairs = rounds.map((lines) => {
      const results = resultsOf(lines);
      return [
        find(results, 'medgpt', precision, mode, b),
        find(results, 'pytorch', precision, mode, b, base),
      ];
    });
    if (pairs.every(([o, t]) => o === undefined && t === undefined)) continue;
    out.push(
      `| ${label} | ${precision} | ${row} | ${joined(pairs.map(([o]) => num(o?.tokensPerSec, 1)))} | ` +
        `${joined(pairs.map(([, t]) => num(t?.tokensPerSec, 1)))} | ` +
        `**${joined(pairs.map(([o, t]) => ratio(o?.tokensPerSec, t?.tokensPerSec)))}** | ` +
        `${joined(pairs.map(([o]) => num(o?.stepMsMean, 1)))} | ${joined(pairs.map(([, t]) => num(t?.stepMsMean, 1)))} | ` +
        `${joined(pairs.map(([o]) => num(o?.peakMiB)))} | ` +
        `${joined(pairs.map(([, t]) => (t ? `${num(t.peakMiB)} (${num(t.peakAllocatedMiB)})` : 'n/a')))} |`,
    );
  }
}
out.push('');
out.push(
  '| round | stack | precision | mode | LoRA base | batch x seq | timed steps | ms/step (mean, median) | first loss | last loss |',
);
out.push('| ---: | --- | --- | --- | --- | --- | ---: | --- | ---: | ---: |');
rounds.forEach((lines, i) => {
  for (const r of resultsOf(lines).filter((x) => x.mode === 'lora' || x.mode === 'full')) {
    const base = r.mode !== 'lora' ? '-' : (r.loraBase ?? 'fp32');
    out.push(
      `| ${i + 1} | ${r.stack} | ${r.precision} | ${r.mode} | ${base} | ${r.batch} x ${r.seq} | ${r.steps} | ` +
        `${r.stepMsMean}, ${r.stepMsMedian} | ${r.firstLoss.toFixed(4)} | ${r.lastLoss.toFixed(4)} |`,
    );
  }
});
console.log(out.join('\n'));
