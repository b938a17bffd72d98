import { describe, expect, it } from 'vitest';
import { FUSED_KERNELS, tf } from '../index.js';
import { GRADIENT_CONFIGS } from './register-all-gradients.js';

describe('register-all-gradients', () => {
  it('registers a gradient for fused kernels only, once each', () => {
    const names = GRADIENT_CONFIGS.map((c) => c.kernelName);
    expect(new Set(names).size).toBe(names.length);
    for (const config of GRADIENT_CONFIGS) {
      expect(FUSED_KERNELS).toContain(config.kernelName);
      expect(tf.getGradient(config.kernelName)).toBe(config);
    }
  });
});
