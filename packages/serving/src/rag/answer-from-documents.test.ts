import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { Bm25Index, DenseIndex, HybridRetriever, readPassages, type Passage } from '@medgpt/rag';
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

  it('takes any retriever: a HybridRetriever cites a passage only the dense ranking found', async () => {
    const texts = ['发热时多喝水。', '咳嗽应拍胸片。', '体温升高可服退烧药。'];
    const passages: Passage[] = texts.map((text, id) => ({ id, source: 'hand.txt', line: id + 1, text }));
    // Hand-made vectors (axis 0: fever): passage 2 is about fever but shares no term with the question.
    const vectors = [
      [1, 0.1],
      [0, 1],
      [0.9, 0.1],
    ].map((v) => Float32Array.from(v));
    const dense = new DenseIndex(passages, vectors, { name: 'hand-made', dimension: 2 });
    const retriever = new HybridRetriever(new Bm25Index(passages), dense, () => Float32Array.of(1, 0));
    const answer = await answerFromDocuments(session, retriever, '发热怎么办', { topn: 2 });
    expect(answer.text).toBe('cf [1]');
    expect(answer.sources.map((s) => s.line)).toEqual([1, 3]);
  });

  it('says there is not enough information when nothing matches, without generating', async () => {
    const answer = await answerFromDocuments(session, index, 'zzqx', { topn: 3 });
    expect(answer).toEqual({ text: '没有提供足够的相关信息', sources: [], retrieved: 0 });
  });
});
