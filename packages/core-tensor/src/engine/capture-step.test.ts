import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { captureStep } from './capture-step.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('captureStep (a backend without step recording: eager runs)', () => {
  it('runs the step with each run’s inputs, updates state in place, and frees every tensor', async () => {
    const state = { total: tf.keep(tf.zeros([2])) };
    const step = captureStep(
      [
        { shape: [2], dtype: 'int32' },
        { shape: [2], dtype: 'float32' },
      ],
      ([ids, x]) => {
        const next = tf.keep(tf.add(state.total, x!));
        state.total.dispose();
        state.total = next;
        return [tf.mul(ids!, 2), tf.argMax(x!)];
      },
    );
    expect(step.replays).toBe(false);
    const before = tf.memory().numTensors;
    const a = await step.run([Int32Array.of(1, 2), Float32Array.of(0.5, 3)]);
    const b = await step.run([Int32Array.of(7, -1), Float32Array.of(4, 1)]);
    expect([...a[0]!, ...a[1]!]).toEqual([2, 4, 1]);
    expect([...b[0]!, ...b[1]!]).toEqual([14, -2, 0]);
    expect([...state.total.dataSync()]).toEqual([4.5, 4]);
    expect(tf.memory().numTensors).toBe(before);
    state.total.dispose();
    step.dispose();
  });

  it('names an input that does not fit its spec', async () => {
    const step = captureStep([{ shape: [2, 3], dtype: 'int32' }], ([x]) => [x!]);
    await expect(step.run([new Int32Array(5)])).rejects.toThrow(
      'captured step: input 0 must be a Int32Array of 6 values ([2, 3])',
    );
    await expect(step.run([])).rejects.toThrow('captured step: 0 inputs given, 1 expected');
  });

  it('launches runs ahead of reading them, one run’s output feeding the next (no host round trip)', async () => {
    const step = captureStep([{ shape: [2], dtype: 'int32' }], ([ids]) => [
      tf.add(ids!, tf.scalar(1, 'int32')),
    ]);
    const before = tf.memory().numTensors;
    const first = step.launch([Int32Array.of(1, 5)]);
    const second = step.launch([first.output(0)]);
    const third = step.launch([second.output(0)]);
    expect([...(await first.read())[0]!]).toEqual([2, 6]);
    expect([...(await third.read())[0]!]).toEqual([4, 8]);
    expect([...(await second.read())[0]!]).toEqual([3, 7]);
    expect(tf.memory().numTensors).toBe(before);
    step.dispose();
  });

  it('refuses an output of a run already read or discarded, and a wrong-shaped one', async () => {
    const step = captureStep([{ shape: [2], dtype: 'int32' }], ([ids]) => [tf.add(ids!, 1), tf.sum(ids!)]);
    const run = step.launch([Int32Array.of(1, 2)]);
    expect(() => step.launch([run.output(1)])).toThrow(
      'captured step: input 0 is output 1 of an earlier run, int32 []; expected int32 [2]',
    );
    await run.read();
    expect(() => step.launch([run.output(0)])).toThrow(
      'an output of a run that was already read or discarded',
    );
    const dropped = step.launch([Int32Array.of(3, 4)]);
    dropped.discard();
    await expect(dropped.read()).rejects.toThrow('read of a run that was already read or discarded');
    step.dispose();
  });
});
