#!/usr/bin/env node
// Bundles the cuda device programs (bench/gpu/cuda-conformance.ts, cuda-model-step.ts, cuda-step-time.ts,
// cuda-kernel-trace.ts) for the GPU machine, which has no node_modules: everything is inlined by
// esbuild except koffi, whose JS and linux-x64 binary are copied beside the bundles, and the compiled
// kernels are copied too. Output: .device/cuda/ (git-ignored). Then run on the device as docs/cuda.md
// shows.
//
//   node bench/gpu/cuda-bundle.mjs     (builds the kernels first if needed: npm run build:kernels)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForDevice } from '../lib/device-bundle.mjs';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const out = join(root, '.device', 'cuda');
const packages = join(root, 'packages');

execFileSync(process.execPath, [join(packages, 'backend-cuda', 'scripts', 'build-kernels.mjs')], {
  stdio: 'inherit',
});
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

await bundleForDevice(
  ['cuda-conformance.ts', 'cuda-model-step.ts', 'cuda-step-time.ts', 'cuda-kernel-trace.ts'].map((f) =>
    join(root, 'bench', 'gpu', f),
  ),
  out,
);

// koffi resolves its native binary from ../../../@koromix/koffi-linux-x64 relative to its own module.
const nodeModules = join(root, 'node_modules');
for (const dir of [
  'koffi/package.json',
  'koffi/index.js',
  'koffi/src/koffi/index.js',
  'koffi/src/koffi/src/static.js',
  '@koromix/koffi-linux-x64/package.json',
  '@koromix/koffi-linux-x64/index.js',
  '@koromix/koffi-linux-x64/linux_x64',
]) {
  cpSync(join(nodeModules, dir), join(out, 'node_modules', dir), { recursive: true });
}
const kernels = join(packages, 'backend-cuda', 'kernels');
if (!existsSync(join(kernels, 'manifest.json')))
  throw new Error('no compiled kernels (npm run build:kernels)');
cpSync(kernels, join(out, 'kernels'), { recursive: true });
console.log(`bundled into ${out}`);
