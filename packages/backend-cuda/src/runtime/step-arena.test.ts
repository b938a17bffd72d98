import { describe, expect, it } from 'vitest';
import { ARENA_ALIGN, StepArena } from './step-arena.js';

describe('StepArena', () => {
  it('hands out aligned ranges first fit, reuses freed space and merges neighbours', () => {
    const arena = new StepArena(1 << 20, 4 * ARENA_ALIGN);
    const a = arena.alloc(10)!;
    const b = arena.alloc(ARENA_ALIGN + 1)!; // two units
    const c = arena.alloc(1)!;
    expect([a, b, c]).toEqual([1 << 20, (1 << 20) + ARENA_ALIGN, (1 << 20) + 3 * ARENA_ALIGN]);
    expect(arena.alloc(1)).toBeNull(); // full
    arena.free(a);
    arena.free(b);
    expect(arena.inUseBytes).toBe(ARENA_ALIGN);
    // a and b merged into one hole of three units.
    expect(arena.alloc(3 * ARENA_ALIGN)).toBe(a);
    expect(arena.peakBytes).toBe(4 * ARENA_ALIGN);
  });

  it('knows its addresses and refuses one it did not hand out', () => {
    const arena = new StepArena(4096, 1024);
    expect([arena.owns(4096), arena.owns(5119), arena.owns(5120), arena.owns(4095)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    const p = arena.alloc(8)!;
    arena.free(p);
    expect(() => arena.free(p)).toThrow('StepArena: 4096 was not allocated here (or freed twice)');
  });
});
