#!/usr/bin/env node
// Compares bench/gpu/gpu-ddp.ts's runs (a JSON-lines file): per run, rank 0's tokens/s (mean after 3 warm-up
// steps) and every rank's peak device memory; against the 1-process run, the largest loss difference
// over the steps and the scaling efficiency (tokens/s of N processes / (N x tokens/s of 1)).
//
//   node bench/gpu/gpu-ddp.report.mjs results.jsonl
import { readFileSync } from 'node:fs';

const lines = readFileSync(process.argv[2], 'utf8')
  .trim()
  .split('\n')
  .filter((l) => l.startsWith('{'))
  .map((l) => JSON.parse(l));
const runs = new Map();
for (const l of lines) {
  const run = runs.get(l.label) ?? { label: l.label, world: l.world, zero: l.zeroStage, peaks: [] };
  run.peaks[l.rank] = l.peakMiB;
  if (l.rank === 0) Object.assign(run, { losses: l.losses, tps: l.tokensPerSecond, seconds: l.seconds });
  runs.set(l.label, run);
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const base = [...runs.values()].find((r) => r.world === 1);
console.log(
  '| run | processes | ZeRO | tokens/s | scaling efficiency | max loss diff vs 1 process | peak MiB per GPU |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of runs.values()) {
  const tps = mean(r.tps.slice(3));
  const eff = base && r.world > 1 ? (tps / (r.world * mean(base.tps.slice(3)))).toFixed(3) : '';
  const diff =
    base && r !== base
      ? Math.max(...r.losses.map((x, i) => Math.abs(x - base.losses[i]))).toExponential(2)
      : '';
  console.log(
    `| ${r.label} | ${r.world} | ${r.zero} | ${tps.toFixed(0)} | ${eff} | ${diff} | ${r.peaks.join(' / ')} |`,
  );
}
for (const r of runs.values())
  console.log(`${r.label} losses: ${r.losses.map((x) => x.toFixed(4)).join(' ')}`);
