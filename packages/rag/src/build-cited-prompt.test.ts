import { describe, expect, it } from 'vitest';
import { buildCitedPrompt, CITED_PROMPT_INSTRUCTION } from './build-cited-prompt.js';
import type { Passage } from './passage.js';

const hit = (id: number, text: string) => ({
  passage: { id, source: 'c.txt', line: id * 10, text } as Passage,
  score: 1,
});
const hits = [hit(4, '发热时多喝水。'), hit(2, 'Rest helps.'), hit(9, '就医。')];
const head = `${CITED_PROMPT_INSTRUCTION}\n\n已知内容:\n`;

describe('buildCitedPrompt', () => {
  it('numbers passages in rank order and ends with the question', () => {
    const { prompt, sources } = buildCitedPrompt('发烧怎么办？', hits, { maxChars: 10_000 });
    expect(prompt).toBe(`${head}[1] 发热时多喝水。\n[2] Rest helps.\n[3] 就医。\n\n问题:\n发烧怎么办？`);
    expect(sources).toEqual([
      { n: 1, source: 'c.txt', line: 40, text: '发热时多喝水。' },
      { n: 2, source: 'c.txt', line: 20, text: 'Rest helps.' },
      { n: 3, source: 'c.txt', line: 90, text: '就医。' },
    ]);
  });

  it('drops the lowest-ranked passages first to fit maxChars, counting code points', () => {
    const two = `${head}[1] 发热时多喝水。\n[2] Rest helps.\n\n问题:\n发烧怎么办？`;
    const fit = buildCitedPrompt('发烧怎么办？', hits, { maxChars: [...two].length });
    expect(fit.prompt).toBe(two);
    expect(fit.sources.map((s) => s.n)).toEqual([1, 2]);
    const none = `${head}\n\n问题:\n发烧怎么办？`;
    expect(buildCitedPrompt('发烧怎么办？', hits, { maxChars: [...none].length }).sources).toEqual([]);
  });

  it('keeps a PDF passage’s page in its source', () => {
    const pdfHit = { passage: { id: 0, source: 'a.pdf', page: 2, line: 3, text: '血糖' }, score: 1 };
    expect(buildCitedPrompt('血糖?', [pdfHit], { maxChars: 10_000 }).sources).toStrictEqual([
      { n: 1, source: 'a.pdf', page: 2, line: 3, text: '血糖' },
    ]);
    // No page key at all for other files, so sources compare and serialise as before.
    expect(Object.keys(buildCitedPrompt('q', hits, { maxChars: 10_000 }).sources[0]!)).not.toContain('page');
  });

  it('never cuts the question: too small a budget is an error', () => {
    const need = [...`${head}\n\n问题:\nq`].length;
    expect(() => buildCitedPrompt('q', hits, { maxChars: need - 1 })).toThrow(
      `buildCitedPrompt: maxChars is ${need - 1}, but the instruction and question alone need ${need}`,
    );
  });
});
