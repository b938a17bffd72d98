import type { AttentionAttrs } from '@medgpt/core-tensor';
import { describe, expect, it } from 'vitest';
import { decodeBlock } from './Attention.js';
import { vec4Block } from './RmsNorm.js';

function attrs(queryOffset: number, slidingWindow = 0): AttentionAttrs {
  return {
    batch: 1,
    numHeads: 14,
    numKvHeads: 2,
    scale: 0.125,
    slidingWindow,
    queryOffset,
    hasSegmentIds: false,
  };
}

describe('decoding launch shapes', () => {
  it('gives attention_decode_forward a warp per 32 visible keys, 1 to 16', () => {
    expect(decodeBlock(256, 1, attrs(255))).toBe(256);
    expect(decodeBlock(384, 1, attrs(383))).toBe(384);
    expect(decodeBlock(2048, 1, attrs(2047))).toBe(512);
    expect(decodeBlock(9, 2, attrs(7))).toBe(32);
    // The causal limit (offset + tq keys) and the window bound the keys a row may see.
    expect(decodeBlock(384, 1, attrs(99))).toBe(128);
    expect(decodeBlock(384, 1, attrs(383, 40))).toBe(64);
  });

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
