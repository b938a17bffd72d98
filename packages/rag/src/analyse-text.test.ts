import { describe, expect, it } from 'vitest';
import { analyseText } from './analyse-text.js';

describe('analyseText', () => {
  it('gives Han runs as unigrams and bigrams, Latin/digit runs as words', () => {
    expect(analyseText('糖尿病')).toEqual(['糖', '糖尿', '尿', '尿病', '病']);
    expect(analyseText('2型糖尿')).toEqual(['2', '型', '型糖', '糖', '糖尿', '尿']);
    expect(analyseText('High fever, 发烧!')).toEqual(['high', 'fever', '发', '发烧', '烧']);
  });

  it('applies NFKC (full-width forms) and lower case, dropping punctuation and whitespace', () => {
    expect(analyseText('ＢＭＩ　＞２８，肥胖。')).toEqual(['bmi', '28', '肥', '肥胖', '胖']);
    expect(analyseText(' ，。!? ')).toEqual([]);
  });

  it('does not make bigrams across punctuation', () => {
    expect(analyseText('头，痛')).toEqual(['头', '痛']);
  });
});
