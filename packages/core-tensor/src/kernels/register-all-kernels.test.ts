import { describe, expect, it } from 'vitest';
import { FUSED_KERNELS, tf } from '../index.js';
import { HOST_BACKENDS } from './js-kernel.js';
import { HOST_KERNEL_CONFIGS, WASM_KERNEL_CONFIGS } from './register-all-kernels.js';

describe('register-all-kernels', () => {
  it('gives every fused kernel of kernel-names.ts a kernel on every host backend', () => {
    expect(HOST_KERNEL_CONFIGS.map((c) => c.kernelName).sort()).toEqual([...FUSED_KERNELS].sort());
    for (const backendName of HOST_BACKENDS) {
      const missing = FUSED_KERNELS.filter((name) => tf.getKernel(name, backendName) == null);
      expect(missing, backendName).toEqual([]);
    }
  });

  it('puts the wasm kernels over the JS ones on wasm only', () => {
    for (const config of WASM_KERNEL_CONFIGS) {
      expect(config.backendName).toBe('wasm');
      expect(FUSED_KERNELS).toContain(config.kernelName);
      expect(tf.getKernel(config.kernelName, 'wasm')?.kernelFunc).toBe(config.kernelFunc);
      expect(tf.getKernel(config.kernelName, 'cpu')?.kernelFunc).not.toBe(config.kernelFunc);
    }
  });
});
