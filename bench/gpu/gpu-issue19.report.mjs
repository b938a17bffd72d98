#!/usr/bin/env node
// The real-data SFT and 7B LoRA tables of bench/gpu/gpu-issue19.sh (the synthetic step's table is
// bench/gpu/gpu-train.report.mjs over its train-round*.jsonl).
//
//   node bench/gpu/gpu-issue19.report.mjs [--sft sft.jsonl] [--lora7b qlora.jsonl]
//
// SFT: ours (bench/gpu/gpu-sft.ts --model, "stack":"medgpt") and PyTorch (bench/torch/gpu_sft_torch.py) real
// (non-padding) tokens/s after the timing warm-up, and each of our runs' ratio to PyTorch's; whether both
// sides tokenised the file to the same rows (checksums) and trained on the same batches (each step's real
// tokens, for our run in random order). 7B: bench/gpu/gpu-qlora.sh --base bf16's two lines.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { sft: { type: 'string' }, lora7b: { type: 'string' } } });
const read = (file) =>
  file && existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l))
    : [];
const num = (x, digits = 0) =>
  x === undefined || x === null ? 'n/a' : x.toLocaleString('en-US', { maximumFractionDigits: digits });
const ratio = (a, b) => (a === undefined || b === undefined || !b ? 'n/a' : (a / b).toFixed(3));
const out = [];

const sft = read(args.sft).filter((l) => l.bench === 'gpu-sft' && l.stack !== undefined);
out.push('## Real-data SFT (bench/gpu/gpu-sft.ts --model vs bench/torch/gpu_sft_torch.py)');
out.push('');
if (sft.length === 0) out.push(`no results in ${args.sft ?? '(no --sft file)'}`);
else {
  const torch = sft.find((r) => r.stack === 'pytorch');
  const first = sft[0];
  out.push(
    `MedicalGPT's medical_sft_1K_format.jsonl, ChatML, Qwen3 tokenizer, LoRA r8 all linears, batch ${first.batch}, ` +
      `max length ${first.maxLength}` +
      (torch
        ? `; PyTorch ${torch.torch}, transformers ${torch.transformers}, peft ${torch.peft}, ${torch.gpu}`
        : ''),
  );
  out.push('');
  out.push(
    '| stack | run | base | steps (timed after warm-up) | real tokens/s | ms/step | padded tokens/s | medgpt / PyTorch | peak MiB (reserved / allocated) | first loss | last loss |',
  );
  out.push('| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of sft) {
    const base = r.stack === 'pytorch' ? r.loraBase : r.torchDtype;
    const peak =
      r.peakAllocatedMiB === undefined ? num(r.peakMiB) : `${num(r.peakMiB)} / ${num(r.peakAllocatedMiB)}`;
    out.push(
      `| ${r.stack} | ${r.tag} | ${base} | ${r.steps} (${r.timedSteps} after ${r.timingWarmup}) | ` +
        `${num(r.realTokensPerSec)} | ${num(r.stepMsMean, 1)} | ${num(r.paddedTokensPerSec)} | ` +
        `**${r.stack === 'pytorch' ? '-' : ratio(r.realTokensPerSec, torch?.realTokensPerSec)}** | ${peak} | ` +
        `${r.losses[0]?.toFixed(4)} | ${r.losses.at(-1)?.toFixed(4)} |`,
    );
  }
  out.push('');
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  for (const r of sft.filter((x) => x.stack === 'medgpt')) {
    if (!torch) break;
    const n = Math.min(r.stepTokens?.length ?? 0, torch.stepTokens?.length ?? 0);
    out.push(
      `- ${r.tag}: rows ${same(r.data, torch.data) ? 'identical to PyTorch' : 'DIFFER from PyTorch'} ` +
        `(ours ${JSON.stringify(r.data)}, PyTorch ${JSON.stringify(torch.data)}); batches (real tokens of each of ` +
        `${n} steps) ${same(r.stepTokens?.slice(0, n), torch.stepTokens?.slice(0, n)) ? 'the same' : r.groupByLength ? 'different (length-grouped order, by design)' : 'DIFFERENT'}`,
    );
  }
}

const lora7b = read(args.lora7b).filter((l) => l.bench === 'gpu-qlora');
out.push('');
out.push('## 7B LoRA on a bf16 base (bench/gpu/gpu-qlora.sh --base bf16 --r 16 --alpha 32 --seq 1024)');
out.push('');
if (lora7b.length === 0) out.push(`no results in ${args.lora7b ?? '(no --lora7b file)'}`);
else {
  const torch = lora7b.find((r) => r.stack === 'pytorch');
  out.push(
    '| stack | ms/step | tokens/s | vs PyTorch | peak MiB (pool or reserved) | live / allocated peak MiB | after load MiB |',
  );
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of lora7b) {
    out.push(
      `| ${r.stack} | ${num(r.stepMsMean, 1)} | ${num(r.tokensPerSec)} | ` +
        `${r.stack === 'pytorch' ? '-' : ratio(r.tokensPerSec, torch?.tokensPerSec)} | ${num(r.peakMiB)} | ` +
        `${num(r.peakLiveMiB ?? r.allocatedPeakMiB)} | ${num(r.afterLoadMiB)} |`,
    );
  }
}
console.log(out.join('\n'));
