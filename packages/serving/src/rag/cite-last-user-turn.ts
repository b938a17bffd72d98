import { buildCitedPrompt, type CitedSource, type Retriever } from '@medgpt/rag';
import { ServingError } from '../serving-error.js';

/** chatpdf.py's answer when no passage matches the question; sent as is, without generating. */
export const NO_PASSAGES_REPLY = '没有提供足够的相关信息';

export interface CiteOptions {
  /** Passages retrieved and cited (chatpdf.py's topn). Default 5. */
  topn?: number;
  /** Characters the instruction, passages and question may take (chatpdf.py's context_len). Default 2048. */
  maxChars?: number;
}

/** A chat whose last user turn asks the question over numbered passages, and what the numbers cite. */
export interface CitedChat<M> {
  /** The messages, the last user message's content replaced by the cited prompt; earlier turns as they were. */
  messages: M[];
  sources: CitedSource[];
  /** Passages the retriever returned, before the prompt was fitted to maxChars. */
  retrieved: number;
  /** Nothing retrieved: the reply to give instead of generating (NO_PASSAGES_REPLY); otherwise null. */
  reply: string | null;
}

/**
 * chatpdf.py's predict for a chat: retrieves with the last user message, and puts its best passages
 * numbered [1], [2] ... with the question in that message (buildCitedPrompt), so a model answers the
 * question from them and the earlier turns stay context. Only the last question is retrieved for: it is
 * the one being answered, and earlier ones were answered from their own passages.
 */
export async function citeLastUserTurn<M extends { readonly role: unknown; readonly content?: unknown }>(
  messages: readonly M[],
  retriever: Retriever,
  { topn = 5, maxChars = 2048 }: CiteOptions = {},
): Promise<CitedChat<M>> {
  if (!Number.isInteger(topn) || topn < 1)
    throw new ServingError('invalid-option', `topn must be a positive integer, got ${topn}`, 'topn');
  const at = messages.findLastIndex((m) => m.role === 'user');
  if (at < 0)
    throw new ServingError(
      'invalid-option',
      'answering from documents needs a user message to ask with',
      'messages',
    );
  const question = messages[at]!.content;
  if (typeof question !== 'string')
    throw new ServingError(
      'invalid-option',
      `messages[${at}].content must be the question as a string`,
      'messages',
    );
  const hits = await retriever.search(question, topn);
  if (hits.length === 0)
    return { messages: [...messages], sources: [], retrieved: 0, reply: NO_PASSAGES_REPLY };
  let cited: { prompt: string; sources: CitedSource[] };
  try {
    cited = buildCitedPrompt(question, hits, { maxChars });
  } catch (err) {
    // Only the question can be too long: passages are dropped until the prompt fits.
    throw new ServingError(
      'invalid-option',
      `messages[${at}].content: the question does not fit the ${maxChars}-character prompt with its ` +
        `instruction (${(err as Error).message}); ask a shorter question`,
      'messages',
    );
  }
  const { prompt, sources } = cited;
  const withPrompt = messages.map((m, i) => (i === at ? { ...m, content: prompt } : m));
  return { messages: withPrompt, sources, retrieved: hits.length, reply: null };
}
