import type { ChatSession } from '@medgpt/serving';
import type { CliIo } from '../cli-io.js';
import type { LineReader } from './line-reader.js';

/** What demo/inference.py prints, word for word, so its users recognise the session. */
export const CHAT_TEXT = {
  welcome:
    'Welcome to the CLI application, use `clear` to remove the history, use `exit` to exit the application.',
  userPrompt: 'User: ',
  assistant: 'Assistant: ',
  empty: 'Please input text, try again.',
  cleared: 'History cleared.',
  exiting: 'Exiting...',
  interrupted: '[interrupted]',
} as const;

/**
 * inference.py's interactive loop: read a question, stream the answer, repeat. `clear` resets the
 * history, `exit` (or the end of the input) quits, an empty line is refused. Ctrl-C stops the answer
 * being written and returns to the prompt; at the prompt it quits.
 */
export async function runChatLoop(session: ChatSession, reader: LineReader, io: Pick<CliIo, 'stdout'>) {
  const say = (line: string) => io.stdout(`${line}\n`);
  let answering = false;
  let interrupted = false;
  reader.onInterrupt(() => {
    if (answering) interrupted = true;
    else reader.close();
  });
  say(CHAT_TEXT.welcome);
  for (;;) {
    const line = await reader.read(CHAT_TEXT.userPrompt);
    if (line === null) {
      io.stdout('\n');
      break;
    }
    const query = line.trim();
    if (query === '') {
      say(CHAT_TEXT.empty);
      continue;
    }
    if (query === 'exit') {
      say(CHAT_TEXT.exiting);
      break;
    }
    if (query === 'clear') {
      session.clear();
      say(CHAT_TEXT.cleared);
      continue;
    }
    io.stdout(CHAT_TEXT.assistant);
    answering = true;
    interrupted = false;
    try {
      const reply = await session.reply(line, io.stdout, () => interrupted);
      io.stdout(reply.end === 'interrupted' ? ` ${CHAT_TEXT.interrupted}\n` : '\n');
    } finally {
      answering = false;
    }
  }
  reader.close();
}
