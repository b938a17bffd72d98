#!/usr/bin/env node
// Bundles scripts/nccl-check.ts for a GPU machine, which has no node_modules: bench/gpu/cuda-bundle.mjs
// makes .device/cuda/ (koffi with its linux-x64 binary, the compiled kernels), then this bundles the
// check beside them as .device/cuda/nccl-check.mjs with the workspace packages inlined from source,
// with the launcher (scripts/launch-main.ts as medgpt-launch.mjs) and bench/gpu/gpu-ddp.ts (gpu-ddp.mjs).
//
//   node packages/distributed/scripts/bundle-nccl-check.mjs [--no-cuda-bundle]   (keeps an existing .device/cuda)
//
// On the device, from the repository root (carry .device/node.xz and .device/cuda):
//   bash packages/distributed/scripts/nccl-check.sh                    world size 1
//   bash packages/distributed/scripts/nccl-check.sh --nproc_per_node 2  one rank per GPU (2 GPUs)
//   bash bench/gpu/gpu-ddp.sh                                              1 vs 2 GPUs, DDP and ZeRO-1 (2 GPUs)
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForDevice } from '../../../bench/lib/device-bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const out = join(root, '.device', 'cuda');
const packages = join(root, 'packages');

if (!process.argv.includes('--no-cuda-bundle')) {
  execFileSync(process.execPath, [join(root, 'bench', 'gpu', 'cuda-bundle.mjs')], { stdio: 'inherit' });
}
await bundleForDevice(
  {
    'nccl-check': join(packages, 'distributed', 'scripts', 'nccl-check.ts'),
    'medgpt-launch': join(packages, 'distributed', 'scripts', 'launch-main.ts'),
    'gpu-ddp': join(root, 'bench', 'gpu', 'gpu-ddp.ts'),
  },
  out,
);
console.log(`bundled nccl-check.mjs, medgpt-launch.mjs and gpu-ddp.mjs into ${out}`);
