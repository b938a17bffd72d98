import type { DialogPair } from '@medgpt/templates';
import type { InferenceSession } from '../session/inference-session.js';
import { streamReply, type Reply } from './stream-reply.js';

export interface ChatSessionOptions {
  /** `--system_prompt` ('' keeps the template's own). */
  readonly systemPrompt: string;
  /** `--single_tune`: every question starts a new conversation. */
  readonly singleTurn: boolean;
}

/**
 * The multi-turn state of demo/inference.py --interactive: the exchanges so far, prompted again with
 * each new question. Unlike inference.py, an answer never overwrites the previous one (its
 * `history[-1][-1] = response` bug): the history is exactly what was said.
 */
export class ChatSession {
  private exchanges: DialogPair[] = [];
  private turns = 0;

  constructor(
    private readonly inference: InferenceSession,
    private readonly options: ChatSessionOptions,
  ) {}

  /** The exchanges the next prompt will include. */
  get history(): readonly DialogPair[] {
    return this.exchanges;
  }

  clear(): void {
    this.exchanges = [];
  }

  /** Answers `query`, streaming the text to `write`; the (stripped) answer joins the history. */
  async reply(query: string, write: (text: string) => void, interrupted?: () => boolean): Promise<Reply> {
    if (this.options.singleTurn) this.clear();
    const ids = this.inference.promptIds(this.exchanges, query, this.options.systemPrompt);
    const reply = await streamReply(
      this.inference.model,
      ids,
      { ...this.inference.generateOptions, seed: this.inference.seedFor(this.turns++) },
      write,
      interrupted,
    );
    this.exchanges.push([query, reply.text.trim()]);
    return reply;
  }
}
