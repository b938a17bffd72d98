import { describe, expect, it } from 'vitest';
import { Bm25Index } from './bm25-index.js';
import type { Passage } from './passage.js';

const texts = [
  '发热是体温升高，多喝水并注意休息。', // 0
  '咳嗽持续三周以上应拍胸片。', // 1
  '糖尿病患者要控制饮食，监测血糖。', // 2
  '高血压患者应少吃盐，按时服用降压药。', // 3
  'Fever in children: give fluids and check the temperature.', // 4
  'A dry cough at night can come from asthma or reflux.', // 5
  'Type 2 diabetes is managed with diet, exercise and metformin.', // 6
  'High blood pressure raises the risk of stroke.', // 7
  '头痛伴呕吐要警惕颅内压升高。', // 8
  '腹泻时注意补充水分和电解质。', // 9
  'Vitamin D deficiency weakens bones.', // 10
  '失眠的人睡前应避免咖啡和手机。', // 11
];
const corpus: Passage[] = texts.map((text, id) => ({ id, source: 'hand.txt', line: id + 1, text }));

// Query -> the passage that answers it, and why it lands where it does (counted by hand).
const queries: [string, number][] = [
  ['糖尿病怎么控制血糖', 2], // 糖尿病/控制/血糖 only in 2: rank 1
  ['metformin for type 2 diabetes', 6], // every matching word only in 6: rank 1
  ['cough at night', 5], // cough/at/night only in 5: rank 1
  ['高血压吃什么药', 3], // 高血压/吃/药 in 3; 8 and 0 share only 高 or 压: rank 1
  ['high blood sugar', 2], // no shared term with 2 (Chinese); only 7 matches: not retrieved
  ['发热 注意 补充水分', 0], // 9 matches 9 query terms (0 matches 7) and is shorter: 0 is rank 2
];

const recallAt = (index: Bm25Index, k: number) =>
  queries.filter(([q, want]) => index.search(q, k).some((h) => h.passage.id === want)).length /
  queries.length;

describe('BM25 retrieval on a hand-made corpus', () => {
  const index = new Bm25Index(corpus);

  it('has recall@1 4/6 and recall@3 5/6', () => {
    expect(recallAt(index, 1)).toBeCloseTo(4 / 6, 12);
    expect(recallAt(index, 3)).toBeCloseTo(5 / 6, 12);
  });

  it('misses for the reasons counted by hand', () => {
    expect(index.search('high blood sugar', 3).map((h) => h.passage.id)).toEqual([7]);
    expect(index.search('发热 注意 补充水分', 3).map((h) => h.passage.id)).toEqual([9, 0]);
  });
});
