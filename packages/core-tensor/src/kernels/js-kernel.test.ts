import { describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { registerHostKernel } from './js-kernel.js';

registerHostKernel('MedgptTestScaleAndSum', ({ x }, attrs) => {
  const s = attrs['scale'] as number;
  const scaled = new Float32Array(x!.values.length);
  let sum = 0;
  x!.values.forEach((v, i) => {
    scaled[i] = v * s;
    sum += v;
  });
  return [
    { values: scaled, shape: x!.shape },
    { values: new Float32Array([sum]), shape: [] },
  ];
});

describe.each(['cpu', 'wasm'])('registerHostKernel on %s', (backend) => {
  it('runs a two-output JS kernel and frees everything', async () => {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const [scaled, sum] = tf.engine().runKernel('MedgptTestScaleAndSum', { x }, { scale: 3 }) as tf.Tensor[];
    expect(Array.from(scaled!.dataSync())).toEqual([3, 6, 9, 12]);
    expect(scaled!.shape).toEqual([2, 2]);
    expect(sum!.dataSync()[0]).toBe(10);
    tf.dispose([x, scaled!, sum!]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
