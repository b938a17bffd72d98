import { describe, expect, it } from 'vitest';
import { jsonPreview } from './json-preview.js';

describe('jsonPreview', () => {
  it('renders small values as JSON.stringify does', () => {
    for (const v of [null, true, 3.5, 'a "quoted" word', [1, [2, {}]], { a: 1, b: ['x'] }]) {
      expect(jsonPreview(v)).toBe(JSON.stringify(v));
    }
    expect(jsonPreview(undefined)).toBe('undefined');
  });

  it('stops at max characters and marks the cut', () => {
    const big = Array.from({ length: 10_000 }, (_, i) => i);
    const shown = jsonPreview(big, 20);
    expect(shown).toBe(`${JSON.stringify(big).slice(0, 20)}...`);
  });

  it('cuts long strings and keys before quoting them', () => {
    expect(jsonPreview('x'.repeat(1e6), 10)).toBe(`"${'x'.repeat(9)}...`);
    expect(jsonPreview({ ['k'.repeat(1e5)]: 1 }, 10)).toBe(`{"${'k'.repeat(8)}...`);
  });

  it('shows what lies below depth 8 as [...] or {...}, however deep the value is', () => {
    const deep = JSON.parse('['.repeat(20_000) + ']'.repeat(20_000)) as unknown;
    expect(jsonPreview(deep, 100)).toBe(`${'['.repeat(8)}[...]${']'.repeat(8)}`);
    const objects = JSON.parse('{"a":'.repeat(10) + '1' + '}'.repeat(10)) as unknown;
    expect(jsonPreview(objects, 100)).toBe(`${'{"a":'.repeat(8)}{...}${'}'.repeat(8)}`);
  });

  it('skips inherited keys', () => {
    const child = Object.create({ inherited: 1 }) as Record<string, unknown>;
    child.own = 2;
    expect(jsonPreview(child)).toBe('{"own":2}');
  });
});
