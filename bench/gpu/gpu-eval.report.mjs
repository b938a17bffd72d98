#!/usr/bin/env node
// Turns the JSON lines of bench/gpu/gpu-eval.sh (ours: bench/gpu/gpu-eval.ts, transformers: bench/torch/gpu_eval_torch.py)
// into one markdown table for bench/RESULTS.md: per round and side, questions/s, seconds, peak memory,
// the ours / transformers ratio within the round, and the checks (same prompt tokens on both sides,
// agreement of the predicted letters, no tensor leaked).
//
//   node bench/gpu/gpu-eval.report.mjs results.jsonl
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (file === undefined) {
  console.error('usage: node bench/gpu/gpu-eval.report.mjs results.jsonl');
  process.exit(2);
}
const rows = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('{'))
  .map((l) => JSON.parse(l));
const torch = rows.filter((r) => r.side === 'transformers');
const ours = rows.filter((r) => r.side === 'medgpt');
const out = [];
const v = torch[0]?.versions;
if (v) out.push(`torch ${v.torch}, transformers ${v.transformers}`);
out.push('');
out.push(
  '| round | side | questions | batch | seconds | questions/s | medgpt / transformers | peak MiB | prompt tokens |',
);
out.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
const rounds = Math.max(torch.length, ours.length);
for (let i = 0; i < rounds; i++) {
  const t = torch[i];
  const o = ours[i];
  const ratio = t && o ? (o.questions_per_second / t.questions_per_second).toFixed(2) : 'n/a';
  if (o)
    out.push(
      `| ${i + 1} | medgpt (${o.backend}, ${o.matmul}) | ${o.questions} | ${o.batch_size} | ${o.seconds} | ${o.questions_per_second} | **${ratio}** | ${o.pool_peak_mib} | ${o.prompt_tokens} |`,
    );
  if (t)
    out.push(
      `| ${i + 1} | transformers (bf16, sdpa) | ${t.questions} | ${t.batch_size} | ${t.seconds} | ${t.questions_per_second} | | ${t.peak_reserved_mib} | ${t.prompt_tokens} |`,
    );
}
out.push('');
for (const [i, o] of ours.entries()) {
  const t = torch[i];
  const same = t ? o.prompt_checksum === t.prompt_checksum && o.prompt_tokens === t.prompt_tokens : false;
  const agree = o.agreement_with_transformers;
  out.push(
    `round ${i + 1}: same prompt tokens on both sides: ${same ? 'yes' : 'NO'}; predicted letters agree: ` +
      `${agree === null || agree === undefined ? 'n/a' : `${(100 * agree).toFixed(1)} %`}; ` +
      `accuracy medgpt ${o.accuracy} / transformers ${t?.accuracy ?? 'n/a'} (random weights: chance); ` +
      `tensors leaked: ${o.leaked_tensors}`,
  );
}
console.log(out.join('\n'));
