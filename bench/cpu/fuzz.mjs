#!/usr/bin/env node
// The parser fuzz bench (issue #14 item 5): runs every parser's fuzz target (the packages' *.fuzz.ts,
// the same generators and checks as their *.fuzz.test.ts) on --runs inputs each (default 10^6),
// spread over --workers processes, and prints per parser the inputs, the failures by kind and the wall
// time, as a markdown table and one JSON line. Exits 1 when anything failed.
//
//   node bench/cpu/fuzz.mjs [--runs 1000000] [--workers N] [--only NAME[,NAME]] [--seed S] [--list]
//     --workers N     processes per target (default 4 per core)
//     --slow-ms MS    an input slower than this counts as a hang (default 10000)
//     --stall-s S     a worker silent this long is killed and counted as a hang (default 120)
//
// bench/cpu/fuzz.ts is bundled with esbuild (the @medgpt packages from their sources, so the numbers are
// for the code in the tree) into node_modules/.cache/medgpt-bench/. A worker that prints nothing for
// --stall-s seconds (a hang no per-input timer can see) is killed and counted as a hang.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const outFile = join(root, 'node_modules', '.cache', 'medgpt-bench', 'fuzz.mjs');
const PACKAGES = ['core-tensor', 'models', 'tokenizer', 'peft', 'templates', 'data', 'json-preview'];

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000000' },
    // Several per core: the file-reading parsers spend most of their time waiting on fs calls.
    workers: { type: 'string', default: String(availableParallelism() * 4) },
    only: { type: 'string' },
    seed: { type: 'string', default: '20261201' },
    'slow-ms': { type: 'string', default: '10000' },
    'stall-s': { type: 'string', default: '120' },
    list: { type: 'boolean' },
  },
});

// Packages load from node_modules, except tfjs-core's extensionless gradient module, which plain Node
// cannot import (core-tensor's tsup build bundles it for the same reason).
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      /tfjs-core\/dist\/register_all_gradients/.test(args.path)
        ? undefined
        : { path: args.path, external: true },
    );
  },
};

mkdirSync(dirname(outFile), { recursive: true });
await build({
  entryPoints: [join(root, 'bench', 'cpu', 'fuzz.ts')],
  outfile: outFile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  alias: Object.fromEntries(
    PACKAGES.map((p) => [`@medgpt/${p}`, join(root, 'packages', p, 'src', 'index.ts')]),
  ),
  plugins: [externalPackages],
  sourcemap: true,
  logLevel: 'warning',
});

/** Runs the bundle with `args`; resolves with its stdout lines (JSON ones parsed) and how it ended. */
function runWorker(args, stallSeconds) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--enable-source-maps', outFile, ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = [];
    let pending = '';
    let stalled = false;
    let timer;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        child.kill('SIGKILL');
      }, stallSeconds * 1000);
    };
    arm();
    child.stdout.on('data', (chunk) => {
      arm();
      pending += chunk.toString('utf8');
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      lines.push(...parts);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (pending) lines.push(pending);
      resolve({ code, stalled, lines });
    });
  });
}

const listing = await runWorker(['--list'], 60);
const names = listing.lines.filter((l) => l.trim() !== '');
if (values.list) {
  console.log(names.join('\n'));
  process.exit(0);
}
const only = values.only?.split(',').map((s) => s.trim());
const selected = only ? names.filter((n) => only.some((o) => n === o || n.startsWith(`${o}/`))) : names;
const runs = Number(values.runs);
const workers = Math.max(1, Number(values.workers));
const rows = [];

for (const name of selected) {
  const started = performance.now();
  const shares = Array.from(
    { length: workers },
    (_, i) => Math.floor(runs / workers) + (i < runs % workers ? 1 : 0),
  );
  const results = await Promise.all(
    shares.map((share, i) =>
      share === 0
        ? null
        : runWorker(
            [
              '--target',
              name,
              '--runs',
              String(share),
              '--seed',
              String(Number(values.seed) + i),
              '--slow-ms',
              values['slow-ms'],
            ],
            Number(values['stall-s']),
          ),
    ),
  );
  const row = { target: name, inputs: 0, crash: 0, wrongResult: 0, hang: 0, maxInputMs: 0, examples: [] };
  for (const r of results) {
    if (r === null) continue;
    const last = r.lines.map((l) => (l.startsWith('{"target"') ? JSON.parse(l) : null)).findLast(Boolean);
    if (!last || r.code !== 0) {
      // Killed by the watchdog, out of memory, or an exception outside the checks.
      row.hang += r.stalled ? 1 : 0;
      row.crash += r.stalled ? 0 : 1;
      row.examples.push(
        `worker ${r.stalled ? 'stalled' : `exited ${r.code}`}: ${r.lines.slice(-3).join(' | ')}`,
      );
      continue;
    }
    row.inputs += last.inputs;
    row.crash += last.crash;
    row.wrongResult += last['wrong-result'];
    row.hang += last.hang;
    row.maxInputMs = Math.max(row.maxInputMs, last.maxInputMs);
    row.examples.push(...last.examples);
  }
  row.seconds = (performance.now() - started) / 1000;
  rows.push(row);
  const failures = row.crash + row.wrongResult + row.hang;
  console.log(
    `${name}: ${row.inputs} inputs, ${failures} failures (crash ${row.crash}, wrong result ${row.wrongResult}, hang ${row.hang}), ${row.seconds.toFixed(1)} s`,
  );
  for (const e of row.examples.slice(0, 3)) console.log(`  ${e}`);
}

console.log('');
console.log('| parser | inputs | crashes | wrong results | hangs | wall time (s) | slowest input (ms) |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(
    `| ${r.target} | ${r.inputs} | ${r.crash} | ${r.wrongResult} | ${r.hang} | ${r.seconds.toFixed(1)} | ${r.maxInputMs.toFixed(1)} |`,
  );
}
console.log(
  JSON.stringify({
    bench: 'fuzz',
    workers,
    runs,
    rows: rows.map(({ examples: _e, ...r }) => r),
  }),
);
process.exit(rows.some((r) => r.crash + r.wrongResult + r.hang > 0) ? 1 : 0);
