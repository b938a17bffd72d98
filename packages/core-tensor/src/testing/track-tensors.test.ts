import { describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { describeLeak, expectNoLeak, trackTensors } from './track-tensors.js';

describe('trackTensors / expectNoLeak', () => {
  it('reports tensors created and not disposed, with shapes and memory deltas', async () => {
    await tf.setBackend('cpu');
    const tracker = trackTensors();
    const kept = tf.zeros([3, 4]);
    tf.tidy(() => {
      tf.ones([100]);
    });
    const r = tracker.stop();
    expect(r.live.map((t) => [t.dtype, t.shape])).toEqual([['float32', [3, 4]]]);
    expect(r.numTensors).toBe(1);
    expect(r.numBytes).toBe(48);
    expect(describeLeak(r, 'my step')).toMatch(
      /my step: 1 tensor\(s\) created and not disposed.*numBytes \+48[\s\S]*float32\[3,4\]/,
    );
    kept.dispose();
    expect(tracker.report().live).toEqual([]);
  });

  it('strict mode also fails on a replaced tensor that totals hide', () => {
    let state = tf.zeros([2]);
    const replace = (): void => {
      const next = tf.ones([2]);
      state.dispose();
      state = next;
    };
    expect(() => expectNoLeak(replace)).not.toThrow();
    expect(() => expectNoLeak(replace, { strict: true, label: 'swap' })).toThrow(
      /swap: 1 tensor\(s\)[\s\S]*numTensors 0/,
    );
    state.dispose();
  });

  it('expectNoLeak throws on a leak, passes clean code, returns its value', () => {
    let leaked: tf.Tensor | undefined;
    expect(() =>
      expectNoLeak(
        () => {
          leaked = tf.scalar(1);
        },
        { label: 'leaky', stacks: true },
      ),
    ).toThrow(/leaky: 1 tensor\(s\)[\s\S]*float32\[\] id \d+\n\s+at /);
    leaked!.dispose();
    expect(expectNoLeak(() => tf.tidy(() => tf.add(tf.ones([2]), 1).dataSync()[0]))).toBe(2);
  });

  it('does not count pre-existing variables re-bound by assign', () => {
    const init = tf.zeros([2]);
    const v = tf.variable(init, false, 'track-tensors-test-v');
    init.dispose();
    expectNoLeak(() => {
      const next = tf.ones([2]);
      v.assign(next);
      next.dispose();
    });
    v.dispose();
  });

  it('awaits an async block; nested trackers are independent', async () => {
    const outer = trackTensors();
    let t: tf.Tensor | undefined;
    await expect(
      expectNoLeak(async () => {
        t = tf.ones([2]);
        await t.data();
      }),
    ).rejects.toThrow(/float32\[2\]/);
    expect(outer.report().live.map((l) => l.id)).toEqual([t!.id]);
    t!.dispose();
    expect(outer.stop().live).toEqual([]);
  });
});
