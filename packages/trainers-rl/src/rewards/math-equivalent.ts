// Whether a predicted answer means the gold one: our stand-in for math_verify's verify(). Numbers are
// compared by value; anything else by normalised text.
//
// Deliberate difference from MedicalGPT: its shipped GRPO sample data has Chinese free-text answers
// (gold "食管克罗恩病"), which math_verify cannot parse, so every completion scored 0 however right it
// was. Our text fallback gives a match when the answer equals the gold after normalisation.
import { lastBoxedContent } from './boxed-content.js';
import { readMathNumber, type MathNumber } from './parse-math-answer.js';
import { unwrapLatexText } from './unwrap-latex-text.js';

const RELATIVE_TOLERANCE = 1e-6;
const TRAILING_PUNCTUATION = /[.,;:!?。，！？]+$/;

/**
 * True when `pred` and `gold` hold the same number (within 1e-6 relative to the gold; 50% also equals
 * 0.5), or, when either holds no number, the same text after normalisation (NFKC, case, whitespace,
 * \text{} wrappers, trailing punctuation and surrounding `$`). A gold written in Chinese is compared as text
 * only. Empty answers never match.
 */
export function mathEquivalent(pred: string, gold: string): boolean {
  const text = normaliseAnswerText(pred);
  const sameText = text !== '' && text === normaliseAnswerText(gold);
  // A gold in Chinese is a worded answer ("高血压2级"): its number alone does not decide ("糖尿病2级").
  if (HAN.test(gold)) return sameText;
  const [p, g] = [readMathNumber(pred), readMathNumber(gold)];
  if (p && g) return sameNumber(p, g);
  return sameText;
}

const HAN = /\p{Script=Han}/u;

function sameNumber(pred: MathNumber, gold: MathNumber): boolean {
  // math_verify accepts 50% = 0.5; the face value (50% = 50) matches as well.
  return (
    close(pred.value, gold.value) ||
    (pred.percent && close(pred.value / 100, gold.value)) ||
    (gold.percent && close(pred.value, gold.value / 100))
  );
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(1, Math.abs(b));
}

/** Answer text reduced to what carries meaning, for the non-numeric comparison. */
function normaliseAnswerText(text: string): string {
  let s = text.normalize('NFKC');
  s = unwrapLatexText(lastBoxedContent(s) ?? s);
  s = s.toLowerCase().replace(/\s+/g, '');
  // "$x$." or "答案。": peel punctuation and dollar signs until neither is left at the edges.
  for (let next = peel(s); next !== s; next = peel(s)) s = next;
  return s;
}

function peel(s: string): string {
  return s.replace(TRAILING_PUNCTUATION, '').replace(/^\$+|\$+$/g, '');
}
