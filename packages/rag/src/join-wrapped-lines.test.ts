import { describe, expect, it } from 'vitest';
import { joinWrappedLines } from './join-wrapped-lines.js';

describe('joinWrappedLines', () => {
  it('joins Latin lines with a space and Chinese lines with nothing', () => {
    expect(joinWrappedLines(['Blood pressure is', 'persistently elevated.'])).toBe(
      'Blood pressure is persistently elevated.',
    );
    expect(joinWrappedLines(['患者的动脉血压持续', '升高。'])).toBe('患者的动脉血压持续升高。');
  });

  it('puts no space where either side of the break is CJK, full-width punctuation included', () => {
    expect(joinWrappedLines(['二甲双胍（', 'metformin）'])).toBe('二甲双胍（metformin）');
    expect(joinWrappedLines(['takes', '二甲双胍'])).toBe('takes二甲双胍');
    expect(joinWrappedLines(['血糖，', 'HbA1c'])).toBe('血糖，HbA1c');
    expect(joinWrappedLines(['𠀀', '字'])).toBe('𠀀字'); // a Han character outside the BMP
  });

  it('keeps spaces for Korean, which spaces its words', () => {
    expect(joinWrappedLines(['고혈압은', '만성 질환이다'])).toBe('고혈압은 만성 질환이다');
  });

  it('rejoins a word broken at its hyphen, trims lines and skips blank ones', () => {
    expect(joinWrappedLines(['  first-', 'line therapy ', ' ', 'works'])).toBe('first-line therapy works');
    expect(joinWrappedLines(['Type 2 -', 'diabetes'])).toBe('Type 2 - diabetes');
    expect(joinWrappedLines([])).toBe('');
  });
});
