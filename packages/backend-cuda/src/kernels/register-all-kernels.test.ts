import { existsSync } from 'node:fs';
import { FUSED_KERNELS, tf } from '@medgpt/core-tensor';
import { describe, expect, it } from 'vitest';
import { CUDA_KERNEL_CONFIGS, registerCudaKernels } from './register-all-kernels.js';
import {
  ENGINE_STEP_KERNELS,
  GENERATION_AND_LOSS_KERNELS,
  TRAINING_STEP_KERNELS,
} from './training-kernels.js';

describe('cuda kernel registry', () => {
  registerCudaKernels();

  it('registers each kernel once, for the cuda backend', () => {
    const names = CUDA_KERNEL_CONFIGS.map((c) => c.kernelName);
    expect(new Set(names).size).toBe(names.length);
    for (const config of CUDA_KERNEL_CONFIGS) expect(config.backendName).toBe('cuda');
  });

  it('keeps each kernel in its own file, named after it', () => {
    const missing = CUDA_KERNEL_CONFIGS.map((c) => c.kernelName).filter(
      (name) => !existsSync(new URL(`./${name}.ts`, import.meta.url)),
    );
    expect(missing).toEqual([]);
  });

  it("implements every fused kernel of core-tensor's kernel-names.ts", () => {
    expect(FUSED_KERNELS.filter((name) => tf.getKernel(name, 'cuda') == null)).toEqual([]);
  });

  it('covers every kernel a training step and generation dispatch', () => {
    const missing = [...TRAINING_STEP_KERNELS, ...GENERATION_AND_LOSS_KERNELS].filter(
      (name) => tf.getKernel(name, 'cuda') == null,
    );
    expect(missing).toEqual([]);
  });

  it("covers every kernel of the serving engine's prefill and decode steps", () => {
    expect(ENGINE_STEP_KERNELS.filter((name) => tf.getKernel(name, 'cuda') == null)).toEqual([]);
  });
});
