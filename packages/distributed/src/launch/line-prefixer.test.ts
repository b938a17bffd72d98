import { describe, expect, it } from 'vitest';
import { LinePrefixer } from './line-prefixer.js';

describe('LinePrefixer', () => {
  it('prefixes whole lines however the output is cut, and the last partial line on flush', () => {
    const out: string[] = [];
    const p = new LinePrefixer('[rank 1] ', (t) => out.push(t));
    p.push('a\nb');
    p.push('c\n\nd');
    p.flush();
    expect(out.join('')).toBe('[rank 1] a\n[rank 1] bc\n[rank 1] \n[rank 1] d\n');
  });
});
