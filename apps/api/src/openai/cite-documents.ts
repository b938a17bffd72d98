import { basename } from 'node:path';
import { citeLastUserTurn } from '@medgpt/serving';
import type { RagContext } from '../api-context.js';
import { ApiError } from '../http/api-error.js';
import { messageText } from './chat-prompt.js';

/** A passage a `"rag"` answer cites as [n]: its file's base name (never the server's path), line and text. */
export interface ApiSource {
  readonly n: number;
  readonly source: string;
  /** The page of a passage from a PDF. */
  readonly page?: number;
  readonly line: number;
  readonly text: string;
}

/** The chat to answer, its last user message now asking over numbered passages, and what they cite. */
export interface CitedMessages {
  readonly messages: unknown[];
  readonly sources: ApiSource[];
  /** Nothing was retrieved: chatpdf's fixed reply, sent without generating. */
  readonly reply: string | null;
}

/** `"rag"`: serving's citeLastUserTurn over the request's messages and the server's retriever. */
export async function citeDocuments(
  rag: RagContext,
  messages: unknown,
  topN: number,
): Promise<CitedMessages> {
  if (!Array.isArray(messages) || messages.length === 0)
    throw new ApiError(400, 'messages must be a non-empty list', 'messages');
  // The question is retrieved with as text; a list of text parts is joined as the prompt joins it.
  const asText = messages.map((m: unknown, i) => {
    const message = m as { role?: unknown; content?: unknown } | null;
    if (message === null || typeof message !== 'object')
      throw new ApiError(400, `messages[${i}] must be an object`, 'messages');
    return message.role === 'user'
      ? { ...message, content: messageText(message.content, `messages[${i}]`) }
      : message;
  });
  const cited = await citeLastUserTurn(asText as { role: unknown; content?: unknown }[], rag.retriever, {
    topn: topN,
    maxChars: rag.maxChars,
  });
  return {
    messages: cited.messages,
    sources: cited.sources.map((s) => ({
      n: s.n,
      source: basename(s.source),
      ...(s.page === undefined ? {} : { page: s.page }),
      line: s.line,
      text: s.text,
    })),
    reply: cited.reply,
  };
}
