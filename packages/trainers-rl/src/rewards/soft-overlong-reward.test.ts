import { describe, expect, it } from 'vitest';
import { softOverlongPunishment, softOverlongReward } from './soft-overlong-reward.js';

describe('softOverlongReward', () => {
  it('is 0 up to max - cache, linear to -1 at max, -1 beyond (max 100, cache 20)', () => {
    expect(softOverlongReward(0, 100, 20)).toBe(0);
    expect(softOverlongReward(80, 100, 20)).toBe(0);
    expect(softOverlongReward(81, 100, 20)).toBeCloseTo(-0.05, 12); // (80 - 81) / 20
    expect(softOverlongReward(90, 100, 20)).toBe(-0.5); // (80 - 90) / 20
    expect(softOverlongReward(100, 100, 20)).toBe(-1);
    expect(softOverlongReward(101, 100, 20)).toBe(-1);
    expect(softOverlongReward(10_000, 100, 20)).toBe(-1);
  });

  it('is a step at cache 0: 0 up to max, -1 above', () => {
    expect(softOverlongReward(100, 100, 0)).toBe(0);
    expect(softOverlongReward(101, 100, 0)).toBe(-1);
  });

  it('spans the whole range when cache = max', () => {
    expect(softOverlongReward(0, 100, 100)).toBe(0);
    expect(softOverlongReward(25, 100, 100)).toBe(-0.25);
  });

  it('refuses bad arguments', () => {
    expect(() => softOverlongReward(10, 100, 101)).toThrow(
      'cache is 101; expected at most maxCompletionLength (100)',
    );
    expect(() => softOverlongReward(10, 100, -1)).toThrow('cache is -1; expected an integer >= 0');
    expect(() => softOverlongReward(10, 100, 2.5)).toThrow('cache is 2.5; expected an integer >= 0');
    expect(() => softOverlongReward(10, -5, 0)).toThrow(
      'maxCompletionLength is -5; expected an integer >= 0',
    );
    expect(() => softOverlongReward(10, Number.NaN, 0)).toThrow('maxCompletionLength is NaN');
    expect(() => softOverlongReward(-1, 100, 20)).toThrow('tokenCount is -1; expected an integer >= 0');
    expect(() => softOverlongReward(1.5, 100, 20)).toThrow('tokenCount is 1.5');
  });

  it('checks the lengths when the scorer is made, before any completion', () => {
    expect(() => softOverlongPunishment(10, 20)).toThrow(RangeError);
    const punish = softOverlongPunishment(100, 20);
    expect([80, 90, 100].map(punish)).toEqual([0, -0.5, -1]);
  });
});
