import { describe, expect, it } from 'vitest';
import { philox4x32, philoxWords } from './philox.js';

const hex = (a: Uint32Array): string[] => Array.from(a, (w) => w.toString(16).padStart(8, '0'));

describe('philox4x32', () => {
  // Known-answer vectors of Random123 (tests/kat_vectors): counter[4], key[2] -> output[4].
  const kat: [number[], number[], string[]][] = [
    [
      [0, 0, 0, 0],
      [0, 0],
      ['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8'],
    ],
    [
      [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      [0xffffffff, 0xffffffff],
      ['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd'],
    ],
    [
      [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
      [0xa4093822, 0x299f31d0],
      ['d16cfe09', '94fdcceb', '5001e420', '24126ea1'],
    ],
  ];
  it.each(kat)('matches Random123 for counter %j key %j', (c, k, want) => {
    const out = new Uint32Array(4);
    philox4x32(c[0]!, c[1]!, c[2]!, c[3]!, k[0]!, k[1]!, out);
    expect(hex(out)).toEqual(want);
  });

  it('lays words out block by block, with a 64-bit block counter', () => {
    const offset = 0xffffffff; // the second block carries into counter word 1
    const words = new Uint32Array(10);
    philoxWords(7, 9, offset, words);
    const expected = new Uint32Array(12);
    philox4x32(0xffffffff, 0, 0, 0, 7, 9, expected, 0);
    philox4x32(0, 1, 0, 0, 7, 9, expected, 4);
    philox4x32(1, 1, 0, 0, 7, 9, expected, 8);
    expect(Array.from(words)).toEqual(Array.from(expected.subarray(0, 10)));
  });
});
