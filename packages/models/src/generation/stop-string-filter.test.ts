import { describe, expect, it } from 'vitest';
import { StopStringFilter } from './stop-string-filter.js';

describe('StopStringFilter', () => {
  it('holds back a tail that may become a stop string, and releases it when it does not', () => {
    const f = new StopStringFilter(['</answer>', 'STOP']);
    expect(f.push('The dose is 5 mg</')).toBe('The dose is 5 mg');
    expect(f.push('b>')).toBe('</b>');
    expect(f.push(' ST')).toBe(' ');
    expect(f.push('ay')).toBe('STay');
    expect(f.flush()).toBe('');
    expect(f.stopped).toBe(false);
  });

  it('cuts at the first stop string even across deltas, then emits nothing', () => {
    const f = new StopStringFilter(['</answer>', 'STOP']);
    expect(f.push('ok </ans')).toBe('ok ');
    expect(f.push('wer> more STOP')).toBe('');
    expect(f.stopped).toBe(true);
    expect(f.push('later')).toBe('');
    expect(f.flush()).toBe('');
  });

  it('picks the earliest of several stop strings in one delta', () => {
    const f = new StopStringFilter(['b', 'ab']);
    expect(f.push('xxabyy')).toBe('xx');
  });

  it('returns the held tail at the end of the stream', () => {
    const f = new StopStringFilter(['<|im_end|>']);
    expect(f.push('done <|im')).toBe('done ');
    expect(f.flush()).toBe('<|im');
  });
});
