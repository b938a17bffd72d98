import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { Bm25Index, readPassages } from '@medgpt/rag';
import { beforeAll, describe, expect, it } from 'vitest';
import { InferenceSession } from '../session/inference-session.js';
import { createForcedReplyModel } from '../testing/create-forced-reply-model.js';
import { answerFromDocuments } from './answer-from-documents.js';

const CORPUS = new URL('../../../../data/medicalgpt/rag/medical_corpus.txt', import.meta.url).pathname;

let session: InferenceSession;
let index: Bm25Index;
beforeAll(async () => {
  await tf.setBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'medgpt-rag-answer-'));
  // A checkpoint that answers "cf [1]" after ChatML's assistant header, whatever it is asked.
  await createForcedReplyModel(dir, { after: '\n', reply: 'cf [1]' });
  session = await InferenceSession.load({ base_model: dir, max_new_tokens: 16, temperature: 0 });
  index = new Bm25Index(await readPassages([CORPUS]));
});

describe('answerFromDocuments', () => {
  it("retrieves the question's passage, cites it as [1] in the prompt, and streams the model's answer", async () => {
    const first = JSON.parse((await readFile(CORPUS, 'utf8')).split('\n')[0]!) as { 问: string };
    const pieces: string[] = [];
    const answer = await answerFromDocuments(session, index, first.问, {
      topn: 3,
      onText: (t) => void pieces.push(t),
    });
    expect(answer.text).toBe('cf [1]');
    expect(pieces.join('')).toBe(answer.text);
    expect(answer.retrieved).toBe(3);
    expect(answer.sources[0]).toMatchObject({ n: 1, source: CORPUS, line: 1 });
    expect(answer.sources[0]!.text).toContain(first.问);
  });

  it('says there is not enough information when nothing matches, without generating', async () => {
    const answer = await answerFromDocuments(session, index, 'zzqx', { topn: 3 });
    expect(answer).toEqual({ text: '没有提供足够的相关信息', sources: [], retrieved: 0 });
  });
});
