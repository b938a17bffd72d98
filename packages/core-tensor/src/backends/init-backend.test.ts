import { afterEach, describe, expect, it, vi } from 'vitest';
import { tf } from '../index.js';
import { initBackend } from './init-backend.js';

afterEach(async () => {
  vi.restoreAllMocks();
  await tf.setBackend('cpu');
});

describe('initBackend', () => {
  it('logs the chosen backend, why, and each skipped candidate', async () => {
    const lines: string[] = [];
    const report = await initBackend({ env: {}, log: (line) => lines.push(line) });
    expect(report.backend).toBe('wasm');
    expect(lines).toEqual([
      '[medgpt] backend: wasm (auto: first available of cuda > tensorflow > wasm > cpu)',
      '[medgpt]   skipped cuda: no provider registered (install @medgpt/backend-cuda and import it)',
      '[medgpt]   skipped tensorflow: @tensorflow/tfjs-node-gpu not installed; @tensorflow/tfjs-node not installed',
    ]);
  });

  it('writes to stderr by default and not at all with log: false', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await initBackend({ backend: 'cpu', env: {} });
    expect(write).toHaveBeenCalledWith('[medgpt] backend: cpu (--backend option)\n');
    write.mockClear();
    await initBackend({ backend: 'cpu', env: {}, log: false });
    expect(write).not.toHaveBeenCalled();
  });
});
