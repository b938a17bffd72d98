import type { RagContext } from '../api-context.js';

/** GET /v1/rag: whether chat requests may set `"rag"`, and its defaults (the chat page shows its checkbox by it). */
export function ragInfo(rag: RagContext | null): {
  object: 'rag';
  enabled: boolean;
  passages: number | null;
  top_n: number | null;
  max_chars: number | null;
} {
  return {
    object: 'rag',
    enabled: rag !== null,
    passages: rag?.passages ?? null,
    top_n: rag?.topN ?? null,
    max_chars: rag?.maxChars ?? null,
  };
}
