import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterEach, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { createTensorflowProvider, tensorflowProvider } from './tensorflow-provider.js';

afterEach(() => {
  if (tf.findBackendFactory('tensorflow') != null) tf.removeBackend('tensorflow');
});

describe('tensorflow provider', () => {
  it('reports both tfjs-node packages as not installed (neither is, here)', async () => {
    expect(await tensorflowProvider.load()).toEqual({
      ok: false,
      reason: '@tensorflow/tfjs-node-gpu not installed; @tensorflow/tfjs-node not installed',
    });
  });

  it('reports an installed package that fails to load, then tries the next', async () => {
    const imported: string[] = [];
    const provider = createTensorflowProvider({
      isInstalled: () => true,
      importPackage: async (name) => {
        imported.push(name);
        if (name.endsWith('-gpu')) throw new Error('tfjs_binding.node can not be found');
        tf.registerBackend('tensorflow', () => new MathBackendCPU(), 0);
      },
    });
    expect(await provider.load()).toEqual({ ok: true });
    expect(imported).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
  });

  it('notices a package that loads without registering the backend', async () => {
    const provider = createTensorflowProvider({
      packages: ['@tensorflow/tfjs-node'],
      isInstalled: () => true,
      importPackage: async () => undefined,
    });
    const result = await provider.load();
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/loaded but registered no 'tensorflow' backend/);
  });

  it('is available without importing anything when the backend is already registered', async () => {
    tf.registerBackend('tensorflow', () => new MathBackendCPU(), 0);
    const provider = createTensorflowProvider({
      isInstalled: () => false,
      importPackage: () => Promise.reject(new Error('must not import')),
    });
    expect(await provider.load()).toEqual({ ok: true });
  });
});
