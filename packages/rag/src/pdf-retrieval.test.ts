import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Bm25Index } from './bm25-index.js';
import { buildCitedPrompt } from './build-cited-prompt.js';
import { readPassages } from './read-passages.js';

const fixture = fileURLToPath(new URL('../fixtures/medical-2-pages.pdf', import.meta.url));

describe('reading and searching a PDF', () => {
  it('gives each page’s paragraphs as passages with the page and the line on it', async () => {
    expect(await readPassages([fixture])).toEqual([
      {
        id: 0,
        source: fixture,
        page: 1,
        line: 1,
        text: 'Hypertension is a chronic condition in which the blood pressure in the arteries is persistently elevated.',
      },
      {
        id: 1,
        source: fixture,
        page: 1,
        line: 3,
        text: '高血压是一种常见的慢性疾病，患者的动脉血压持续升高。长期高血压会损害心、脑、肾等器官。',
      },
      { id: 2, source: fixture, page: 2, line: 1, text: '糖尿病患者应定期监测血糖，并注意饮食与运动。' },
      { id: 3, source: fixture, page: 2, line: 3, text: '二甲双胍（metformin）是2型糖尿病的一线用药。' },
      {
        id: 4,
        source: fixture,
        page: 2,
        line: 4,
        text: 'Type 2 diabetes is treated with diet, exercise and metformin as first-line therapy.',
      },
    ]);
  });

  it('chunks PDF paragraphs like any other, each chunk keeping its page and line', async () => {
    const passages = await readPassages([fixture], { chunk: { size: 20, overlap: 0 } });
    // The Chinese paragraph of page 1 (line 3): several chunks, together its whole text.
    const chunks = passages.filter((p) => p.page === 1 && p.line === 3);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((p) => p.text).join('')).toBe(
      '高血压是一种常见的慢性疾病，患者的动脉血压持续升高。长期高血压会损害心、脑、肾等器官。',
    );
    expect(passages.every((p) => [...p.text].length <= 20)).toBe(true);
  });

  it('BM25 finds the page that answers, in Chinese and in English, and the citation keeps the page', async () => {
    const index = new Bm25Index(await readPassages([fixture]));
    const top = (q: string) => index.search(q, 1)[0]!.passage;
    expect(top('高血压会损害哪些器官？')).toMatchObject({ page: 1, line: 3 });
    expect(top('糖尿病的一线用药是什么？')).toMatchObject({ page: 2, line: 3 });
    expect(top('arteries blood pressure')).toMatchObject({ page: 1, line: 1 });
    expect(top('first-line therapy for type 2 diabetes')).toMatchObject({ page: 2, line: 4 });
    const { sources } = buildCitedPrompt(
      '糖尿病患者应监测什么？',
      index.search('糖尿病患者应监测什么？', 1),
      {
        maxChars: 2048,
      },
    );
    expect(sources).toEqual([
      { n: 1, source: fixture, page: 2, line: 1, text: '糖尿病患者应定期监测血糖，并注意饮食与运动。' },
    ]);
  });

  it('keeps pages through a saved index', async () => {
    const index = new Bm25Index(await readPassages([fixture]));
    expect(Bm25Index.fromJSON(JSON.parse(JSON.stringify(index))).passages).toEqual(index.passages);
  });
});
