import { Bm25Index, buildCitedPrompt, type Passage } from '@medgpt/rag';
import { describe, expect, it } from 'vitest';
import { ServingError } from '../serving-error.js';
import { citeLastUserTurn, NO_PASSAGES_REPLY } from './cite-last-user-turn.js';

const passage = (id: number, text: string): Passage => ({
  id,
  source: '/srv/docs/notes.txt',
  line: id + 1,
  text,
});
const index = new Bm25Index([
  passage(0, 'fever: drink fluids'),
  passage(1, 'cough: honey'),
  passage(2, 'rash'),
]);
const bm25 = index; // a Bm25Index is a Retriever

describe('citeLastUserTurn', () => {
  it('puts the last question over its passages in that message, keeping the earlier turns', async () => {
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'rash?' },
      { role: 'assistant', content: 'See a doctor.' },
      { role: 'user', content: 'fever or cough?' },
    ];
    const asked: [string, number][] = [];
    const spy = { search: (q: string, k: number) => (asked.push([q, k]), bm25.search(q, k)) };
    const cited = await citeLastUserTurn(messages, spy, { topn: 2 });
    expect(asked).toEqual([['fever or cough?', 2]]);
    const expected = buildCitedPrompt('fever or cough?', index.search('fever or cough?', 2), {
      maxChars: 2048,
    });
    expect(cited.messages).toEqual([...messages.slice(0, 3), { role: 'user', content: expected.prompt }]);
    expect(cited.sources).toEqual(expected.sources);
    expect(cited.sources.map((s) => s.text).sort()).toEqual(['cough: honey', 'fever: drink fluids']);
    expect(cited).toMatchObject({ retrieved: 2, reply: null });
    expect(messages[3]!.content).toBe('fever or cough?'); // the caller's messages are left alone
  });

  it('keeps a tool result after the question, and other fields of the cited message', async () => {
    const messages = [
      { role: 'user', content: 'rash', name: 'ann' },
      { role: 'tool', content: 'ok' },
    ];
    const cited = await citeLastUserTurn(messages, bm25);
    expect(cited.messages[0]).toMatchObject({ role: 'user', name: 'ann' });
    expect(cited.messages[0]!.content).toContain('[1] rash');
    expect(cited.messages[1]).toBe(messages[1]);
  });

  it("answers chatpdf's 'not enough information' when nothing is retrieved, messages unchanged", async () => {
    const messages = [{ role: 'user', content: 'zzz' }];
    expect(await citeLastUserTurn(messages, bm25)).toEqual({
      messages,
      sources: [],
      retrieved: 0,
      reply: NO_PASSAGES_REPLY,
    });
  });

  it('drops the lowest-ranked passages to fit maxChars, and refuses a question that cannot fit', async () => {
    const both = await citeLastUserTurn([{ role: 'user', content: 'fever cough' }], bm25, { maxChars: 300 });
    expect(both.sources).toHaveLength(2);
    const fitted = await citeLastUserTurn([{ role: 'user', content: 'fever cough' }], bm25, {
      maxChars: [...both.messages[0]!.content].length - 1,
    });
    expect([fitted.sources.length, fitted.retrieved]).toEqual([1, 2]);
    const err = await citeLastUserTurn([{ role: 'user', content: 'fever' }], bm25, { maxChars: 20 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ServingError);
    expect(err).toMatchObject({ code: 'invalid-option', param: 'messages' });
    expect((err as Error).message).toMatch(
      /^messages\[0\]\.content: the question does not fit the 20-character prompt/,
    );
  });

  it('names the field of a chat it cannot ask with', async () => {
    await expect(citeLastUserTurn([{ role: 'system', content: 'x' }], bm25)).rejects.toMatchObject({
      param: 'messages',
      message: expect.stringMatching(/needs a user message/),
    });
    await expect(citeLastUserTurn([{ role: 'user', content: [{ type: 'text' }] }], bm25)).rejects.toThrow(
      /^messages\[0\]\.content must be the question as a string/,
    );
    await expect(citeLastUserTurn([{ role: 'user', content: 'x' }], bm25, { topn: 0 })).rejects.toMatchObject(
      {
        param: 'topn',
      },
    );
  });
});
