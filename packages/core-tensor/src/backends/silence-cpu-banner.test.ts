import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tf } from '../index.js';

const BANNER = /Hi, looks like you are running TensorFlow\.js in Node\.js/;

afterEach(() => vi.restoreAllMocks());

/** Everything console.warn printed while `f` ran. */
function warnings(f: () => void): string {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  f();
  const text = warn.mock.calls.flat().join('\n');
  warn.mockRestore();
  return text;
}

describe('the tfjs-backend-cpu banner', () => {
  it('is printed by a plain cpu backend (so this test can see it)', () => {
    const plain = new MathBackendCPU();
    expect(warnings(() => plain.write(new Float32Array(1), [1], 'float32'))).toMatch(BANNER);
    plain.dispose();
  });

  it('is not printed by cpu backends tfjs creates once @medgpt/core-tensor is loaded', () => {
    const created = tf.findBackendFactory('cpu')!() as MathBackendCPU;
    expect(warnings(() => created.write(new Float32Array(1), [1], 'float32'))).not.toMatch(BANNER);
    created.dispose();
  });

  it('is not printed when the cpu backend is used for real', async () => {
    const text = await (async () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      await tf.setBackend('cpu');
      tf.tidy(() => tf.add(tf.ones([2]), 1).dataSync());
      return warn.mock.calls.flat().join('\n');
    })();
    expect(text).not.toMatch(BANNER);
  });
});
