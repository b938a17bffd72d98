import { describe, expect, it } from 'vitest';
import { expectNoLeak, tf } from '../index.js';
import { Generator } from './generator.js';
import { randomNormal, randomTruncatedNormal, randomUniform } from './random-tensor.js';

describe('random tensors', () => {
  it('hold the host draw of the same stream, and advance it', async () => {
    await tf.setBackend('cpu');
    const g = new Generator(11);
    const host = new Generator(11);
    expectNoLeak(() => {
      const u = randomUniform([3, 5], g, -2, 2);
      const n = randomNormal([7], g, 1, 0.5);
      const t = randomTruncatedNormal([2, 2, 3], g, 0, 0.02, -0.04, 0.04);
      expect(u.shape).toEqual([3, 5]);
      expect(Array.from(u.dataSync())).toEqual(Array.from(host.uniform(15, -2, 2)));
      expect(Array.from(n.dataSync())).toEqual(Array.from(host.normal(7, 1, 0.5)));
      expect(Array.from(t.dataSync())).toEqual(Array.from(host.truncatedNormal(12, 0, 0.02, -0.04, 0.04)));
      tf.dispose([u, n, t]);
    });
    expect(g.offset).toBe(host.offset);
  });

  it('give the same values on every host backend', async () => {
    const draw = async (backend: string): Promise<number[]> => {
      await tf.setBackend(backend);
      const t = randomNormal([33], new Generator(5));
      const v = Array.from(await t.data());
      t.dispose();
      return v;
    };
    expect(await draw('wasm')).toEqual(await draw('cpu'));
  });

  it('reject a bad shape or parameter, naming it', () => {
    const g = new Generator(0);
    expect(() => randomUniform([2, -1], g)).toThrow(/shape \[2,-1\] is invalid/);
    expect(() => randomNormal([2], g, 0, -1)).toThrow(/option 'std' is -1/);
    expect(g.offset).toBe(0);
  });
});
