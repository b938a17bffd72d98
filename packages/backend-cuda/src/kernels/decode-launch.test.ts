import { describe, expect, it } from 'vitest';
import { vec4Block } from './RmsNorm.js';

describe('decoding launch shapes', () => {
  it('takes rms_norm_forward_vec4 only for few, aligned rows of up to 8192', () => {
    const aligned = [0, 256, 4096];
    expect(vec4Block(1, 896, aligned)).toBe(224);
    expect(vec4Block(3, 4100, aligned)).toBe(352);
    expect(vec4Block(1, 8192, aligned)).toBe(512);
    expect(vec4Block(1, 8196, aligned)).toBeNull();
    expect(vec4Block(257, 896, aligned)).toBeNull();
    expect(vec4Block(1, 898, aligned)).toBeNull();
    expect(vec4Block(1, 896, [0, 8, 4096])).toBeNull();
  });
});
