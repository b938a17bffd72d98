// The accuracy reward of MedicalGPT's GRPO script, with our own equivalence check (mathEquivalent) in
// place of the math_verify package.
import { lastBoxedContent } from './boxed-content.js';
import { extractAnswer } from './extract-answer.js';
import { mathEquivalent } from './math-equivalent.js';

const GSM8K_MARK = '####';

/**
 * 1 when the completion's answer matches the gold `answer`, else 0; never throws. A GSM8K gold
 * ("... #### 72") is compared by its text after "####" against the completion's <answer> content;
 * any other gold by its \boxed{} content (or itself) against the completion's last \boxed{} (or its
 * <answer> content).
 */
export function accuracyReward(completion: string, answer: string): number {
  try {
    const mark = answer.indexOf(GSM8K_MARK);
    if (mark >= 0) {
      const gold = answer.slice(mark + GSM8K_MARK.length).trim();
      return mathEquivalent(extractAnswer(completion), gold) ? 1 : 0;
    }
    const pred = lastBoxedContent(completion) ?? extractAnswer(completion);
    const gold = lastBoxedContent(answer) ?? answer.trim();
    return mathEquivalent(pred, gold) ? 1 : 0;
  } catch {
    // A reward must not stop training; MedicalGPT scores its exceptions 0 too.
    return 0;
  }
}
