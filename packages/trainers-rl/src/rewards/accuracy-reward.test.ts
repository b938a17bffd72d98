import { describe, expect, it } from 'vitest';
import { accuracyReward } from './accuracy-reward.js';

const NATALIA =
  'Natalia sold 48/2 = <<48/2=24>>24 clips in May.\n' +
  'Natalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\n#### 72';

describe('accuracyReward', () => {
  describe('GSM8K gold (after ####)', () => {
    it('gives 1 to the right answer in <answer> tags, written any equivalent way', () => {
      expect(accuracyReward('<think>48/2 = 24, 48 + 24 = 72</think><answer>72</answer>', NATALIA)).toBe(1);
      expect(accuracyReward('<think>...</think><answer>\n72 clips\n</answer>', NATALIA)).toBe(1);
      expect(accuracyReward('<think>...</think><answer>72.0</answer>', NATALIA)).toBe(1);
      expect(accuracyReward('<think>...</think><answer>1,000</answer>', 'so\n#### 1000')).toBe(1);
    });

    it('gives 0 to a wrong answer, even when the right number is in the reasoning', () => {
      expect(accuracyReward('<think>48 + 24 = 72</think><answer>24</answer>', NATALIA)).toBe(0);
      expect(accuracyReward('<think>...</think><answer>71</answer>', NATALIA)).toBe(0);
    });

    it('reads the whole completion when it has no <answer> tag', () => {
      expect(accuracyReward('She sold 72 clips.', NATALIA)).toBe(1);
      expect(accuracyReward('She sold 24 clips in May.', NATALIA)).toBe(0);
    });
  });

  describe('LaTeX gold', () => {
    it('compares the last \\boxed{} of the completion with the gold', () => {
      const completion =
        '<think>half of 1 is \\boxed{0.4}? no</think><answer>$\\boxed{\\frac{1}{2}}$</answer>';
      expect(accuracyReward(completion, '\\frac{1}{2}')).toBe(1);
      expect(accuracyReward(completion, 'The answer is $\\boxed{0.5}$.')).toBe(1);
      expect(accuracyReward(completion, '\\boxed{\\frac{1}{4}}')).toBe(0);
    });

    it('falls back to the <answer> content when nothing is boxed', () => {
      expect(accuracyReward('<think>r</think><answer>0.75</answer>', '\\frac{3}{4}')).toBe(1);
    });
  });

  describe('free-text gold (MedicalGPT sample data)', () => {
    it('gives 1 when the answer equals the gold after normalisation', () => {
      expect(
        accuracyReward('<think>肛门病变……</think><answer> 食管克罗恩病。</answer>', '食管克罗恩病'),
      ).toBe(1);
    });

    it('gives 0 to a different answer or an empty one', () => {
      expect(accuracyReward('<think>r</think><answer>溃疡性结肠炎</answer>', '食管克罗恩病')).toBe(0);
      expect(accuracyReward('<think>r</think><answer></answer>', '食管克罗恩病')).toBe(0);
      expect(accuracyReward('', '')).toBe(0);
    });
  });
});
