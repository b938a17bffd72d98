#!/usr/bin/env node
// Compiles every csrc/*.cu into kernels/<Name>.fatbin with nvcc: SASS for sm_80 and sm_90 plus
// compute_90 PTX (which newer GPUs JIT once, then cache), compressed. kernels/manifest.json records
// the sha256 of each source (and of the shared headers), so that the tests can tell a stale build, and
// every kernel's parameter list read from its C signature, which the launcher uses to lay out the
// arguments. The outputs are build artefacts (git-ignored, shipped in the npm package).
//
//   node scripts/build-kernels.mjs            build what changed (every .cu when a header changed)
//   node scripts/build-kernels.mjs --force    rebuild everything
//   node scripts/build-kernels.mjs --if-nvcc  as the default, but skip with a note when nvcc is absent
//                                             (the package build: machines without CUDA still build JS)
//   node scripts/build-kernels.mjs --check    compile everything into a temporary folder (CI: proves
//                                             every source compiles) and fail if kernels/ is stale
//
// NVCC overrides the compiler path; MEDGPT_CUDA_ARCHS overrides the gencode list (e.g. "80,90").
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernelSignatures } from './kernel-signatures.mjs';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const csrcDir = join(packageDir, 'csrc');
const kernelsDir = join(packageDir, 'kernels');
const manifestPath = join(kernelsDir, 'manifest.json');
const nvcc = process.env.NVCC ?? 'nvcc';
const archs = (process.env.MEDGPT_CUDA_ARCHS ?? '80,90').split(',').map((s) => s.trim());
const args = new Set(process.argv.slice(2));

function gencodeFlags() {
  const flags = archs.flatMap((a) => ['-gencode', `arch=compute_${a},code=sm_${a}`]);
  const newest = archs.at(-1);
  return [...flags, '-gencode', `arch=compute_${newest},code=compute_${newest}`];
}

function sha256(text) {
  return createHash('sha256').update(text).digest('hex');
}

/** The hash of a .cu: its own text plus every header, since any header change can change it. */
function sourceHashes() {
  const files = readdirSync(csrcDir).sort();
  const headers = files.filter((f) => f.endsWith('.cuh')).map((f) => readFileSync(join(csrcDir, f), 'utf8'));
  const headerHash = sha256(headers.join('\0'));
  return Object.fromEntries(
    files
      .filter((f) => f.endsWith('.cu'))
      .map((f) => [f.slice(0, -3), sha256(`${headerHash}\0${readFileSync(join(csrcDir, f), 'utf8')}`)]),
  );
}

function nvccVersion() {
  const r = spawnSync(nvcc, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return /release [^\n]*/.exec(r.stdout)?.[0] ?? r.stdout.trim().split('\n').at(-1);
}

function compile(name, outDir) {
  const out = join(outDir, `${name}.fatbin`);
  const argv = [
    '-fatbin',
    '-O3',
    '-Xfatbin',
    '-compress-all',
    ...gencodeFlags(),
    '-o',
    out,
    join(csrcDir, `${name}.cu`),
  ];
  return new Promise((resolve) => {
    const child = spawn(nvcc, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('close', (code) =>
      resolve({ name, ok: code === 0, log: log.trim(), command: `${nvcc} ${argv.join(' ')}` }),
    );
  });
}

async function compileAll(names, outDir) {
  const queue = [...names];
  const results = [];
  const workers = Array.from({ length: Math.min(availableParallelism(), queue.length) }, async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const r = await compile(name, outDir);
      console.log(`${r.ok ? 'compiled' : 'FAILED  '} ${name}.cu`);
      if (r.log) console.log(r.log);
      results.push(r);
    }
  });
  await Promise.all(workers);
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) {
    for (const r of failed) console.error(`nvcc failed on ${r.name}.cu:\n  ${r.command}`);
    process.exit(1);
  }
}

/** Each source's kernels and their parameter lists. */
function signatures(names) {
  const headers = readdirSync(csrcDir)
    .filter((f) => f.endsWith('.cuh'))
    .map((f) => readFileSync(join(csrcDir, f), 'utf8'))
    .join('\n');
  return Object.fromEntries(
    names.map((n) => [n, kernelSignatures(readFileSync(join(csrcDir, `${n}.cu`), 'utf8'), headers)]),
  );
}

function readManifest() {
  try {
    return JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch {
    return null;
  }
}

/** The manifest as the workspace's prettier formats it (so format checks pass), or plain JSON without it. */
async function formatJson(path, value) {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  try {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(path)) ?? {};
    return await prettier.format(text, { ...config, filepath: path });
  } catch {
    return text;
  }
}

async function main() {
  const version = nvccVersion();
  if (version === null) {
    const message = `build-kernels: '${nvcc}' not found; the CUDA kernels were not built (install the CUDA 13 toolkit or set NVCC)`;
    if (args.has('--if-nvcc')) {
      console.log(`${message}. Skipping: the cuda backend will report the missing kernels.`);
      return;
    }
    console.error(message);
    process.exit(1);
  }
  const hashes = sourceHashes();
  const names = Object.keys(hashes);
  const functions = signatures(names);
  if (args.has('--check')) {
    const tmp = mkdtempSync(join(tmpdir(), 'medgpt-kernels-'));
    try {
      await compileAll(names, tmp);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    const manifest = readManifest();
    const stale = names.filter(
      (n) => manifest?.kernels?.[n]?.sha256 !== hashes[n] || !existsSync(join(kernelsDir, `${n}.fatbin`)),
    );
    if (stale.length > 0) {
      console.error(
        `build-kernels --check: kernels/ is stale for ${stale.join(', ')}; run npm run build:kernels`,
      );
      process.exit(1);
    }
    console.log(
      `build-kernels --check: ${names.length} sources compile (${version}) and kernels/ is up to date`,
    );
    return;
  }
  mkdirSync(kernelsDir, { recursive: true });
  const old = readManifest();
  const sameToolchain = old?.nvcc === version && JSON.stringify(old?.archs) === JSON.stringify(archs);
  const todo = names.filter(
    (n) =>
      args.has('--force') ||
      !sameToolchain ||
      old?.kernels?.[n]?.sha256 !== hashes[n] ||
      !existsSync(join(kernelsDir, `${n}.fatbin`)),
  );
  await compileAll(todo, kernelsDir);
  for (const f of readdirSync(kernelsDir)) {
    if (f.endsWith('.fatbin') && !(f.slice(0, -7) in hashes)) rmSync(join(kernelsDir, f));
  }
  const manifest = {
    note: 'Built by scripts/build-kernels.mjs from csrc/; do not edit.',
    nvcc: version,
    archs,
    kernels: Object.fromEntries(names.map((n) => [n, { sha256: hashes[n], functions: functions[n] }])),
  };
  writeFileSync(manifestPath, await formatJson(manifestPath, manifest));
  console.log(
    `build-kernels: ${todo.length} of ${names.length} compiled (${version}); kernels/ is up to date`,
  );
}

await main();
