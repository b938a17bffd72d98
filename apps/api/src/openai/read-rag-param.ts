import type { RagContext } from '../api-context.js';
import { ApiError } from '../http/api-error.js';

/** The most passages one request may have cited. */
export const MAX_RAG_TOP_N = 50;

const FORM = `true, false or {"top_n": an integer from 1 to ${MAX_RAG_TOP_N}}`;

/**
 * medgpt's extension of chat requests (not OpenAI's): `"rag": true` answers from the server's documents
 * citing its default number of passages, `"rag": {"top_n": N}` citing N; false, null or left out is a
 * plain chat. Asking a server without documents is a 400, as is any other value.
 */
export function readRagParam(body: Record<string, unknown>, rag: RagContext | null): { topN: number } | null {
  const value = body.rag;
  if (value === undefined || value === null || value === false) return null;
  let topN: number;
  if (value === true) topN = rag?.topN ?? 0;
  else if (typeof value === 'object' && !Array.isArray(value)) {
    const unknown = Object.keys(value).filter((k) => k !== 'top_n');
    if (unknown.length > 0)
      throw new ApiError(400, `rag has no field ${JSON.stringify(unknown[0])}; expected ${FORM}`, 'rag');
    const n = (value as { top_n?: unknown }).top_n;
    if (n !== undefined && !(Number.isInteger(n) && (n as number) >= 1 && (n as number) <= MAX_RAG_TOP_N))
      throw new ApiError(
        400,
        `rag.top_n must be an integer from 1 to ${MAX_RAG_TOP_N}, got ${JSON.stringify(n)}`,
        'rag.top_n',
      );
    topN = (n as number | undefined) ?? rag?.topN ?? 0;
  } else throw new ApiError(400, `rag must be ${FORM}, got ${JSON.stringify(value)}`, 'rag');
  if (rag === null)
    throw new ApiError(
      400,
      'rag: this server has no documents to answer from (start medgpt serve with --corpus_files or --index_file)',
      'rag',
    );
  return { topN };
}
