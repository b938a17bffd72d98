import { setImmediate as nextTurn } from 'node:timers/promises';
import { generateEvents, type CausalLM, type FinishReason, type StreamOptions } from '@medgpt/models';

/** How an answer ended: a stop token or string, the token limit, or the user's Ctrl-C. */
export type ReplyEnd = FinishReason | 'interrupted';

export interface Reply {
  /** The text as printed: special tokens skipped, cut before a stop string. */
  readonly text: string;
  readonly tokens: number;
  readonly end: ReplyEnd;
}

/**
 * Generates one answer and hands each piece of text to `write` as it becomes final (never half a
 * character, never part of a stop string). `interrupted` is polled after every token: when it turns
 * true generation stops there and frees its cache.
 */
export async function streamReply(
  model: CausalLM,
  promptIds: readonly number[],
  options: StreamOptions,
  write: (text: string) => void,
  interrupted: () => boolean = () => false,
): Promise<Reply> {
  let text = '';
  let tokens = 0;
  let end: ReplyEnd = 'length';
  for await (const events of generateEvents(model, [promptIds], options)) {
    const event = events[0]!;
    tokens += 1;
    if (event.text !== '') {
      text += event.text;
      write(event.text);
    }
    if (event.finishReason !== null) end = event.finishReason;
    else {
      // A step on a host backend resolves without reaching the event loop; without this turn,
      // keystrokes (Ctrl-C) would not be read until the answer ends.
      await nextTurn();
      if (interrupted()) {
        end = 'interrupted';
        break;
      }
    }
  }
  return { text, tokens, end };
}
