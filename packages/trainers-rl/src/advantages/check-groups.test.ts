import { describe, expect, it } from 'vitest';
import { checkGroups } from './check-groups.js';

describe('checkGroups', () => {
  it('counts the groups', () => {
    expect(checkGroups('op', 12, 4)).toBe(3);
    expect(checkGroups('op', 2, 2)).toBe(1);
  });

  it('rejects a group size below 2 or not an integer, an empty batch and a ragged split', () => {
    expect(() => checkGroups('op', 4, 1)).toThrow('op: groupSize must be an integer >= 2, got 1');
    expect(() => checkGroups('op', 4, 2.5)).toThrow('op: groupSize must be an integer >= 2, got 2.5');
    expect(() => checkGroups('op', 0, 2)).toThrow('op: no rewards were given');
    expect(() => checkGroups('op', 7, 2)).toThrow('op: 7 rewards do not split into groups of 2');
  });
});
