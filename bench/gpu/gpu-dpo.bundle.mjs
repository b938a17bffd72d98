#!/usr/bin/env node
// Prepares the GPU DPO benchmark (bench/gpu/gpu-dpo.ts vs bench/torch/gpu_dpo_torch.py) for the device machine:
// runs bench/gpu/gpu-train.bundle.mjs (.device/cuda/: koffi, the compiled kernels, the cuda check programs,
// gpu-train.mjs, gpu-sft.mjs, gpu-dpo.mjs and gpu-serve.mjs, with the workspace packages inlined from source), then
// prints the size of what a device run carries (.device: at most 64 MiB) and fails when it is too big.
// Then, on the device (carry .device/node.xz and .device/cuda): bash bench/gpu/gpu-dpo.sh
//
//   node bench/gpu/gpu-dpo.bundle.mjs
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const device = join(root, '.device');
const out = join(device, 'cuda');
execFileSync(process.execPath, [join(root, 'bench', 'gpu', 'gpu-train.bundle.mjs')], { stdio: 'inherit' });

/** Bytes under a path (files, recursively). */
function size(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((n, name) => n + size(join(path, name)), 0);
}
const MiB = 2 ** 20;
const node = join(device, 'node.xz');
const cuda = size(out);
const nodeBytes = existsSync(node) ? size(node) : 0;
console.log(
  `carried: .device/cuda ${(cuda / MiB).toFixed(1)} MiB + .device/node.xz ` +
    `${existsSync(node) ? (nodeBytes / MiB).toFixed(1) : 'MISSING (bash /work/shared/tools/device-node.sh)'} MiB ` +
    `= ${((cuda + nodeBytes) / MiB).toFixed(1)} MiB of 64`,
);
if (cuda + nodeBytes > 64 * MiB) {
  console.error('too large for a device run (64 MiB): leave something out of .device');
  process.exit(1);
}
