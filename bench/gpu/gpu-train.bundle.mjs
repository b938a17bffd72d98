#!/usr/bin/env node
// Prepares the GPU benchmark (bench/gpu/gpu-train.ts vs bench/torch/gpu_train_torch.py) for the device machine:
// runs bench/gpu/cuda-bundle.mjs (.device/cuda/: koffi, the compiled kernels, the cuda check programs),
// then bundles bench/gpu/gpu-train.ts beside them as .device/cuda/gpu-train.mjs, with the workspace
// packages (@medgpt/peft included) inlined from source, and bench/gpu/gpu-sft.ts as gpu-sft.mjs, bench/gpu/gpu-dpo.ts as
// gpu-dpo.mjs, bench/gpu/gpu-serve.ts as gpu-serve.mjs and bench/gpu/gpu-qlora.ts as gpu-qlora.mjs. Then, on the device (carry .device/node.xz and
// .device/cuda): bash bench/gpu/gpu-train.sh (gpu-dpo.sh, gpu-serve.sh)
//
//   node bench/gpu/gpu-train.bundle.mjs [--no-cuda-bundle]   (the flag keeps an existing .device/cuda)
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForDevice } from '../lib/device-bundle.mjs';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const out = join(root, '.device', 'cuda');

if (!process.argv.includes('--no-cuda-bundle')) {
  execFileSync(process.execPath, [join(root, 'bench', 'gpu', 'cuda-bundle.mjs')], { stdio: 'inherit' });
}

await bundleForDevice(
  [
    'gpu-train.ts',
    'gpu-sft.ts',
    'gpu-dpo.ts',
    'gpu-serve.ts',
    'gpu-qlora.ts',
    'gpu-grpo.ts',
    'gpu-eval.ts',
    'gpu-moe.ts',
  ].map((f) => join(root, 'bench', 'gpu', f)),
  out,
);
console.log(
  `bundled gpu-train.mjs, gpu-sft.mjs, gpu-dpo.mjs, gpu-serve.mjs, gpu-qlora.mjs, gpu-grpo.mjs and gpu-eval.mjs into ${out}`,
);
