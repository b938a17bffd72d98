import { describe, expect, it } from 'vitest';
import { formatReward } from './format-reward.js';

describe('formatReward', () => {
  it('gives 1 to a single-line think/answer completion', () => {
    expect(formatReward('<think>48 / 2 = 24, 48 + 24 = 72</think><answer>72</answer>')).toBe(1);
  });

  it('gives 1 to a multi-line completion (MedicalGPT gives 0: no re.DOTALL)', () => {
    const completion =
      '<think>\nIn May she sold 48 / 2 = 24.\nIn all 48 + 24 = 72.\n</think><answer>\n72\n</answer>';
    expect(formatReward(completion)).toBe(1);
  });

  it('gives 0 when a tag is missing', () => {
    expect(formatReward('<think>reasoning</think>72')).toBe(0);
    expect(formatReward('<answer>72</answer>')).toBe(0);
    expect(formatReward('<think>reasoning<answer>72</answer>')).toBe(0);
    expect(formatReward('<think>reasoning</think><answer>72')).toBe(0);
    expect(formatReward('')).toBe(0);
  });

  it('gives 0 to text before <think>, a leading space included (anchored like re.match)', () => {
    expect(formatReward('Sure. <think>r</think><answer>72</answer>')).toBe(0);
    expect(formatReward(' <think>r</think><answer>72</answer>')).toBe(0);
  });

  it('gives 0 to any whitespace between </think> and <answer>', () => {
    expect(formatReward('<think>r</think>\n<answer>72</answer>')).toBe(0);
    expect(formatReward('<think>r</think> <answer>72</answer>')).toBe(0);
  });

  it("accepts one trailing newline, as Python's $ does, but not two or other text", () => {
    expect(formatReward('<think>r</think><answer>72</answer>\n')).toBe(1);
    expect(formatReward('<think>r</think><answer>72</answer>\n\n')).toBe(0);
    expect(formatReward('<think>r</think><answer>72</answer> ')).toBe(0);
    expect(formatReward('<think>r</think><answer>72</answer>\r\n')).toBe(0);
    expect(formatReward('<think>r</think><answer>72</answer> more')).toBe(0);
  });
});
