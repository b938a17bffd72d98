import { describe, expect, it } from 'vitest';
import { mathEquivalent } from './math-equivalent.js';

describe('mathEquivalent', () => {
  it('matches numbers written differently', () => {
    expect(mathEquivalent('72', '72')).toBe(true);
    expect(mathEquivalent('72.0', '72')).toBe(true);
    expect(mathEquivalent('1,000', '1000')).toBe(true);
    expect(mathEquivalent('\\frac{1}{2}', '0.5')).toBe(true);
    expect(mathEquivalent('3/4', '0.75')).toBe(true);
    expect(mathEquivalent('$18', '18')).toBe(true);
    expect(mathEquivalent('The answer is 72.', '72')).toBe(true);
    expect(mathEquivalent('1e3', '1000')).toBe(true);
  });

  it('accepts a percentage against its value / 100, either way round, and at face value', () => {
    expect(mathEquivalent('50%', '0.5')).toBe(true);
    expect(mathEquivalent('0.5', '50%')).toBe(true);
    expect(mathEquivalent('50%', '50')).toBe(true);
    expect(mathEquivalent('50%', '5')).toBe(false);
  });

  it('compares within 1e-6 relative to the gold', () => {
    expect(mathEquivalent('0.3333333', '\\frac{1}{3}')).toBe(true);
    expect(mathEquivalent('0.333', '\\frac{1}{3}')).toBe(false);
    // 1e-6 of 1,000,000 is 1: off by 0.5 matches, off by 2 does not.
    expect(mathEquivalent('1000000.5', '1000000')).toBe(true);
    expect(mathEquivalent('1000002', '1000000')).toBe(false);
    // Below 1 the tolerance is absolute 1e-6.
    expect(mathEquivalent('0.0000005', '0')).toBe(true);
    expect(mathEquivalent('0.00001', '0')).toBe(false);
  });

  it('rejects unequal numbers', () => {
    expect(mathEquivalent('71', '72')).toBe(false);
    expect(mathEquivalent('-72', '72')).toBe(false);
    expect(mathEquivalent('1,2', '12')).toBe(false);
    expect(mathEquivalent('\\frac{1}{2}', '0.25')).toBe(false);
  });

  it('compares free text after normalisation: spaces, case, trailing punctuation, full-width forms', () => {
    expect(mathEquivalent(' 食管克罗恩病。', '食管克罗恩病')).toBe(true);
    expect(mathEquivalent('食管 克罗恩病！', '食管克罗恩病')).toBe(true);
    expect(mathEquivalent('Crohn Disease.', 'crohn disease')).toBe(true);
    expect(mathEquivalent('ＡＢＣ', 'abc')).toBe(true);
    expect(mathEquivalent('$x+1$', 'x + 1')).toBe(true);
    expect(mathEquivalent('\\text{yes}', 'yes')).toBe(true);
    expect(mathEquivalent('\\boxed{是}', '是')).toBe(true);
  });

  it('rejects different text', () => {
    expect(mathEquivalent('克罗恩病', '食管克罗恩病')).toBe(false);
    expect(mathEquivalent('72', '食管克罗恩病')).toBe(false);
    // A worded Chinese gold is compared as text: the same number in another answer is not a match.
    expect(mathEquivalent('糖尿病2级', '高血压2级')).toBe(false);
    expect(mathEquivalent('高血压 2 级。', '高血压2级')).toBe(true);
  });

  it('never matches empty answers', () => {
    expect(mathEquivalent('', '')).toBe(false);
    expect(mathEquivalent(' 。', '')).toBe(false);
  });
});
