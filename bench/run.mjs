#!/usr/bin/env node
// Entry of `npm run bench`: bundles every bench/cpu/*.bench.ts with esbuild into node_modules/.cache/medgpt-bench/
// (ignored by git, eslint and prettier; packages stay external, so tfjs and @medgpt/* resolve from the
// workspace's node_modules, core-tensor from its built dist)
// and runs each bench in its own Node process, one after the other. bench/cpu/*.bench.mjs files run as they
// are. Benchmarks print numbers; they are not tests.
//
//   npm run bench [-- options]
//     --only NAME[,NAME]   bench files by name (core-ops, block-step); any other name is passed on to the
//                          benches, which run only the cases so named (e.g. --only attention,swiglu)
//     --backend cpu|wasm   passed on (default: both, compared in the same run)
//     --quick              passed on: fewer repetitions (the whole run in about a minute)
//     --json FILE          also append each bench's JSON line to FILE
//     --build              run `nx run-many -t build` first (done anyway when a dist is missing)
//     --list               list the benches and exit
//   Other options are passed on unchanged.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(benchDir);
/** The benches `npm run bench` runs: those that need no GPU (GPU programs are in bench/gpu/). */
const cpuDir = join(benchDir, 'cpu');
// Under the workspace's node_modules, so that the bundles' bare imports resolve from it.
const outDir = join(root, 'node_modules', '.cache', 'medgpt-bench');
// Built packages the benches import (dist is what they measure, as a user of the package gets it).
const REQUIRED_DISTS = ['packages/core-tensor/dist/index.js'];
const OWN_OPTIONS = new Set(['only', 'json', 'build', 'list', 'help']);

const { values, tokens } = parseArgs({
  strict: false,
  tokens: true,
  options: {
    only: { type: 'string', multiple: true },
    json: { type: 'string' },
    build: { type: 'boolean' },
    list: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log(
    readFileSync(fileURLToPath(import.meta.url), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('//'))
      .map((l) => l.slice(3))
      .join('\n'),
  );
  process.exit(0);
}

/** Everything that is not run.mjs's own option goes to the benches, in its original order. */
function passThrough() {
  const out = [];
  for (const t of tokens) {
    if (t.kind === 'option' && OWN_OPTIONS.has(t.name)) continue;
    if (t.kind === 'option') {
      if (t.inlineValue) out.push(`${t.rawName}=${t.value}`);
      else out.push(t.rawName, ...(t.value !== undefined ? [t.value] : []));
    } else if (t.kind === 'positional') out.push(t.value);
    else if (t.kind === 'option-terminator') out.push('--');
  }
  return out;
}

const benches = readdirSync(cpuDir)
  .filter((f) => /\.bench\.(ts|mjs)$/.test(f))
  .sort()
  .map((file) => ({ file, name: file.replace(/\.bench\.(ts|mjs)$/, '') }));

if (values.list) {
  for (const b of benches) console.log(b.name.padEnd(16), relative(root, join(cpuDir, b.file)));
  process.exit(0);
}

const onlyNames = (values.only ?? []).flatMap((s) => String(s).split(',')).map((s) => s.trim());
const fileNames = onlyNames.filter((n) => benches.some((b) => b.name === n));
const caseNames = onlyNames.filter((n) => n !== '' && !fileNames.includes(n));
const selected = fileNames.length > 0 ? benches.filter((b) => fileNames.includes(b.name)) : benches;
const forwarded = [...passThrough(), ...(caseNames.length > 0 ? ['--only', caseNames.join(',')] : [])];

function ensureBuilt() {
  const missing = REQUIRED_DISTS.filter((p) => !existsSync(join(root, p)));
  if (values.build || missing.length > 0) {
    if (missing.length > 0) console.log(`bench: ${missing.join(', ')} missing; building the packages first`);
    const r = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--output-style=static'], {
      cwd: root,
      stdio: 'inherit',
    });
    if (r.status !== 0) process.exit(r.status ?? 1);
    return;
  }
  // Benchmarks measure the dist: say so when the sources changed after it was built.
  for (const p of REQUIRED_DISTS) {
    const dist = join(root, p);
    const src = join(dirname(dirname(dist)), 'src');
    const newest = newestMtime(src);
    if (newest > statSync(dist).mtimeMs) {
      console.log(`bench: warning: ${relative(root, src)} is newer than ${p}; run with --build to rebuild`);
    }
  }
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

async function bundle(entries) {
  if (entries.length === 0) return;
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: entries.map((b) => join(cpuDir, b.file)),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
}

/** Runs one bench, echoing its output; returns its exit code and the JSON lines it printed. */
function runOne(script) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--enable-source-maps', '--expose-gc', script, ...forwarded], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const jsonLines = [];
    let pending = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('{"bench":')) jsonLines.push(line);
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), jsonLines }));
  });
}

ensureBuilt();
await bundle(selected.filter((b) => b.file.endsWith('.ts')));
let failed = 0;
for (const b of selected) {
  const script = b.file.endsWith('.ts')
    ? join(outDir, b.file.replace(/\.ts$/, '.mjs'))
    : join(cpuDir, b.file);
  const started = performance.now();
  const { code, jsonLines } = await runOne(script);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`bench: ${b.name} ${code === 0 ? 'done' : `FAILED (exit ${code})`} in ${seconds} s`);
  if (code !== 0) failed++;
  if (values.json) for (const line of jsonLines) appendFileSync(values.json, `${line}\n`);
}
process.exit(failed > 0 ? 1 : 0);
