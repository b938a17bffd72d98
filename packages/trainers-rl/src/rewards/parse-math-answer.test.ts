import { describe, expect, it } from 'vitest';
import { parseMathAnswer, readMathNumber } from './parse-math-answer.js';

describe('parseMathAnswer', () => {
  it('reads integers and decimals with their sign', () => {
    expect(parseMathAnswer('72')).toBe(72);
    expect(parseMathAnswer('72.0')).toBe(72);
    expect(parseMathAnswer('0.25')).toBe(0.25);
    expect(parseMathAnswer('.5')).toBe(0.5);
    expect(parseMathAnswer('-3.5')).toBe(-3.5);
    expect(parseMathAnswer('+4')).toBe(4);
  });

  it('reads thousands separators only in whole groups of three', () => {
    expect(parseMathAnswer('1,234,567')).toBe(1234567);
    expect(parseMathAnswer('1,000.5')).toBe(1000.5);
    expect(parseMathAnswer('-1,000')).toBe(-1000);
    // "1,2" is two numbers, not 12; the last one counts.
    expect(parseMathAnswer('1,2')).toBe(2);
    expect(parseMathAnswer('1,2345')).toBe(2345);
  });

  it('looks past currency, units and words, taking the last number', () => {
    expect(parseMathAnswer('$18')).toBe(18);
    expect(parseMathAnswer('\\$18')).toBe(18);
    expect(parseMathAnswer('18 dollars')).toBe(18);
    expect(parseMathAnswer('The answer is 42.')).toBe(42);
    expect(parseMathAnswer('She has 3 apples and buys 5 more, so 8')).toBe(8);
    expect(parseMathAnswer('共72元')).toBe(72);
  });

  it('reads what follows the last "="', () => {
    expect(parseMathAnswer('48/2 = 24')).toBe(24);
    expect(parseMathAnswer('x = 5')).toBe(5);
    expect(parseMathAnswer('a = 1, b = 2')).toBe(2);
    expect(parseMathAnswer('72 = x')).toBeNull();
  });

  it('prefers \\boxed{} content', () => {
    expect(parseMathAnswer('x = 3, so the answer is \\boxed{7}, not 9')).toBe(7);
    expect(parseMathAnswer('\\boxed{\\frac{1}{2}}')).toBe(0.5);
  });

  it('reads fractions a/b', () => {
    expect(parseMathAnswer('3/4')).toBe(0.75);
    expect(parseMathAnswer('-3/4')).toBe(-0.75);
    expect(parseMathAnswer('3 / 8')).toBe(0.375);
    expect(parseMathAnswer('1/0')).toBeNull();
  });

  it('reads LaTeX fractions, the shorthand \\frac12 included', () => {
    expect(parseMathAnswer('\\frac{1}{2}')).toBe(0.5);
    expect(parseMathAnswer('\\dfrac{3}{4}')).toBe(0.75);
    expect(parseMathAnswer('\\tfrac{1}{4}')).toBe(0.25);
    expect(parseMathAnswer('\\frac12')).toBe(0.5);
    expect(parseMathAnswer('\\frac{3}2')).toBe(1.5);
    expect(parseMathAnswer('-\\frac{3}{4}')).toBe(-0.75);
    expect(parseMathAnswer('\\frac{-3}{4}')).toBe(-0.75);
    expect(parseMathAnswer('\\frac{\\frac{1}{2}}{4}')).toBe(0.125);
  });

  it('reads percentages at face value and marks them', () => {
    expect(parseMathAnswer('50%')).toBe(50);
    expect(parseMathAnswer('12.5\\%')).toBe(12.5);
    expect(readMathNumber('50 %')).toEqual({ value: 50, percent: true });
    expect(readMathNumber('50')).toEqual({ value: 50, percent: false });
  });

  it('reads scientific notation', () => {
    expect(parseMathAnswer('1e-3')).toBe(0.001);
    expect(parseMathAnswer('2.5E+3')).toBe(2500);
  });

  it('strips math delimiters, spacing macros, \\left/\\right and text wrappers', () => {
    expect(parseMathAnswer('$\\frac{3}{4}$')).toBe(0.75);
    expect(parseMathAnswer('\\(42\\)')).toBe(42);
    expect(parseMathAnswer('\\[ 42 \\]')).toBe(42);
    expect(parseMathAnswer('1,\\!000')).toBe(1000);
    expect(parseMathAnswer('1\\,000')).toBe(1000);
    expect(parseMathAnswer('1{,}000')).toBe(1000);
    expect(parseMathAnswer('\\left(-3\\right)')).toBe(-3);
    expect(parseMathAnswer('\\text{18 dollars}')).toBe(18);
    expect(parseMathAnswer('18\\text{ cm}')).toBe(18);
    expect(parseMathAnswer('30^\\circ')).toBe(30);
  });

  it('reads full-width digits, the Unicode minus and ½', () => {
    expect(parseMathAnswer('７２')).toBe(72);
    expect(parseMathAnswer('\u22125')).toBe(-5);
    expect(parseMathAnswer('½')).toBe(0.5);
  });

  it('treats a minus after a digit as subtraction, not a sign', () => {
    expect(parseMathAnswer('5-3')).toBe(3);
  });

  it('returns null without a number', () => {
    expect(parseMathAnswer('')).toBeNull();
    expect(parseMathAnswer('no idea')).toBeNull();
    expect(parseMathAnswer('食管克罗恩病')).toBeNull();
  });

  it('returns null for LaTeX expressions it does not evaluate, rather than a stray number', () => {
    expect(parseMathAnswer('\\sqrt{2}')).toBeNull();
    expect(parseMathAnswer('2\\pi')).toBeNull();
    expect(parseMathAnswer('\\frac{x}{2}')).toBeNull();
    expect(parseMathAnswer('\\frac{\\sqrt{3}}{2}')).toBeNull();
  });
});
