// Reads one number out of an answer string, the part of math_verify's job that GSM8K-style and simple
// LaTeX answers need, without a computer-algebra system. Anything that is not a plain number (a
// variable, \sqrt, \pi) makes the read fail rather than guess, so the caller falls back to comparing
// text: a wrong "not equal" costs a reward, a wrong "equal" teaches the policy to game it.
import { lastBoxedContent } from './boxed-content.js';
import { unwrapLatexText } from './unwrap-latex-text.js';

/** A number read from an answer; `percent` when it was written with `%` (50% reads as 50). */
export interface MathNumber {
  readonly value: number;
  readonly percent: boolean;
}

// A fraction whose arguments hold no braces: \frac{a}{b}, \dfrac, \tfrac and the shorthand \frac12.
const FRACTION = /\\[dt]?frac\s*(?:\{([^{}]*)\}|([^\s{}\\]))\s*(?:\{([^{}]*)\}|([^\s{}\\]))/g;
// Unsigned magnitude: 1,234,567 only as whole groups of three ("1,2" is two numbers), or plain digits.
const MAGNITUDE = String.raw`(?:(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|\.\d+)`;
const PLAIN_NUMBER = new RegExp(String.raw`^[-+]?${MAGNITUDE}(?:[eE][-+]?\d+)?$`);
// Sign, magnitude, exponent, optional "/denominator" and "%"; not started inside another number.
const NUMBER_TOKEN = new RegExp(
  String.raw`([-+]?)(?<![\d.])(${MAGNITUDE}(?:[eE][-+]?\d+)?)(?:\s*\/\s*(${MAGNITUDE}))?(\s*%)?`,
  'g',
);

/**
 * The numeric value of an answer string, or null when it holds no number (or holds LaTeX we do not
 * evaluate). Reads `\boxed{...}` content when present, else what follows the last `=`, and takes the
 * last number there: "The answer is 42." gives 42. Percentages give their face value (50% → 50).
 */
export function parseMathAnswer(text: string): number | null {
  return readMathNumber(text)?.value ?? null;
}

/** parseMathAnswer with the `%` mark kept, for comparisons that accept 50% = 0.5. */
export function readMathNumber(text: string): MathNumber | null {
  // NFKC turns full-width digits into ASCII and ½ into 1⁄2 (fraction slash); U+2212 is the math minus.
  let s = text
    .normalize('NFKC')
    .replace(/\u2212/g, '-')
    .replace(/\u2044/g, '/');
  s = lastBoxedContent(s) ?? s;
  s = replaceFractions(stripLatexNoise(s));
  s = s.slice(s.lastIndexOf('=') + 1);
  // A LaTeX command still here (\sqrt, \pi, \times, an unevaluated \frac) means an expression, not a number.
  if (/\\[a-zA-Z]/.test(s)) return null;
  return lastNumber(s);
}

/** Drops the LaTeX that only dresses a number: delimiters, spacing, \left/\right, text wrappers. */
function stripLatexNoise(s: string): string {
  return unwrapLatexText(s)
    .replace(/\\(?:left|right)(?![a-zA-Z])/g, '')
    .replace(/\\(?:displaystyle|q?quad)(?![a-zA-Z])/g, ' ')
    .replace(/\^\s*\{?\s*\\circ\s*\}?|\\circ(?![a-zA-Z])|\\degree(?![a-zA-Z])/g, '')
    .replace(/\\[!,;:> ]/g, '') // spacing macros, \, also as a thousands separator: 1\,000
    .replace(/\{,\}/g, ',') // 1{,}000, LaTeX's way to stop the comma adding space
    .replace(/\\%/g, '%')
    .replace(/\\\$|\$/g, '')
    .replace(/\\[()[\]]/g, ' ');
}

/** Replaces each \frac with numeric arguments by its value, innermost first; others stay as they are. */
function replaceFractions(s: string): string {
  const evaluate = (
    whole: string,
    a1: string | undefined,
    a2: string | undefined,
    b1: string | undefined,
    b2: string | undefined,
    offset: number,
    input: string,
  ): string => {
    const [num, den] = [(a1 ?? a2 ?? '').trim(), (b1 ?? b2 ?? '').trim()];
    if (!PLAIN_NUMBER.test(num) || !PLAIN_NUMBER.test(den)) return whole;
    const value = toNumber(num) / toNumber(den);
    if (!Number.isFinite(value)) return whole;
    // Written against what precedes, so a sign binds (-\frac{3}{4} → -0.75), but apart from a digit
    // (2\frac{1}{2} must not become 20.5).
    return /[\d.]/.test(input[offset - 1] ?? '') ? ` ${value}` : String(value);
  };
  return untilStable(s, (t) => t.replace(FRACTION, evaluate));
}

/** Applies `step` until the string stops changing (each step peels one level of nesting). */
function untilStable(s: string, step: (t: string) => string): string {
  for (let next = step(s); next !== s; next = step(s)) s = next;
  return s;
}

/** The last number token of `s` (fractions a/b included), or null. */
function lastNumber(s: string): MathNumber | null {
  let last: RegExpExecArray | null = null;
  for (const match of s.matchAll(NUMBER_TOKEN)) last = match;
  if (!last) return null;
  const [, sign, magnitude, denominator, percent] = last;
  // "5-3": the minus after a digit, letter or bracket is subtraction, not the sign of 3.
  const unary = sign === '-' && !/[\w)\]}]/.test(s[last.index - 1] ?? '');
  let value = toNumber(magnitude) * (unary ? -1 : 1);
  if (denominator !== undefined) value /= toNumber(denominator);
  return Number.isFinite(value) ? { value, percent: percent !== undefined } : null;
}

function toNumber(token: string): number {
  return Number(token.replace(/,/g, ''));
}
