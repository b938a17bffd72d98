import { streamText } from '@medgpt/models';
import { buildCitedPrompt, type CitedSource, type Retriever } from '@medgpt/rag';
import type { InferenceSession } from '../session/inference-session.js';
import { NO_PASSAGES_REPLY } from './cite-last-user-turn.js';

export interface DocumentAnswerOptions {
  /** Passages retrieved and cited (chatpdf.py's topn, default 5). */
  topn?: number;
  /** Characters the instruction, passages and question may take (chatpdf.py's context_len, default 2048). */
  maxChars?: number;
  /** Called with each piece of answer text as it is generated. */
  onText?: (text: string) => void;
}

/** An answer and the passages its citations [1], [2] ... refer to. */
export interface DocumentAnswer {
  text: string;
  sources: CitedSource[];
  /** Passages the retriever returned for the question before the prompt was fitted to maxChars. */
  retrieved: number;
}

/**
 * chatpdf.py's predict: the question's best passages from `retriever` (a Bm25Index, or a HybridRetriever
 * fusing BM25 with embedding similarity), numbered in a prompt that asks
 * for an answer from them alone (buildCitedPrompt), rendered by the session's template as a single-turn
 * chat and answered with the session's generation settings, streamed. No passage found: chatpdf.py's
 * "not enough relevant information" answer, without generating.
 */
export async function answerFromDocuments(
  session: InferenceSession,
  retriever: Retriever,
  question: string,
  options: DocumentAnswerOptions = {},
): Promise<DocumentAnswer> {
  const hits = await retriever.search(question, options.topn ?? 5);
  if (hits.length === 0) {
    const text = NO_PASSAGES_REPLY;
    options.onText?.(text);
    return { text, sources: [], retrieved: 0 };
  }
  const { prompt, sources } = buildCitedPrompt(question, hits, { maxChars: options.maxChars ?? 2048 });
  const ids = session.promptIds([], prompt, '');
  let text = '';
  for await (const delta of streamText(session.model, session.tokenizer, ids, session.generateOptions)) {
    text += delta;
    options.onText?.(delta);
  }
  return { text, sources, retrieved: hits.length };
}
