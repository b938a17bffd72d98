import { describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { releaseCachedMemory } from './release-cached-memory.js';

describe('releaseCachedMemory', () => {
  it('is 0 on a backend without a cache, and asks a caching backend to give its cache back', async () => {
    await tf.setBackend('cpu');
    expect(releaseCachedMemory()).toBe(0);
    const backend = tf.backend() as tf.KernelBackend & { releaseCachedMemory?: () => number };
    backend.releaseCachedMemory = () => 4096;
    try {
      expect(releaseCachedMemory()).toBe(4096);
    } finally {
      delete backend.releaseCachedMemory;
    }
  });
});
