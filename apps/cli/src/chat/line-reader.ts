import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { CliIo } from '../cli-io.js';

/** Where the chat reads the user's lines from. */
export interface LineReader {
  /** Shows `prompt` and resolves to the next line, or null at the end of the input (Ctrl-D, EOF). */
  read(prompt: string): Promise<string | null>;
  /** Called on Ctrl-C in a terminal (instead of the process being killed). */
  onInterrupt(handler: () => void): void;
  /** Ends reading: a pending `read` resolves to null. */
  close(): void;
}

/** A readable stream, and whether it is a terminal (process.stdin is). */
export type LineInput = NodeJS.ReadableStream & { isTTY?: boolean };

/**
 * Lines from `input` through node:readline: line editing and history in a terminal, plain lines from a
 * pipe. Lines that arrive while the model is answering are kept for the next `read` (a piped script of
 * questions works). Prompts and echo go through `io.stdout`.
 */
export function createLineReader(input: LineInput, io: Pick<CliIo, 'stdout'>): LineReader {
  const terminal = input.isTTY === true;
  const rl = createInterface({ input, output: ioStream(io), terminal, historySize: terminal ? 100 : 0 });
  const lines = rl[Symbol.asyncIterator]();
  let interrupt: () => void = () => rl.close();
  // Without a listener readline answers Ctrl-C by pausing the input, which would hang the chat.
  rl.on('SIGINT', () => interrupt());
  return {
    async read(prompt) {
      rl.setPrompt(prompt);
      rl.prompt();
      const next = await lines.next();
      return next.done ? null : next.value;
    },
    onInterrupt(handler) {
      interrupt = handler;
    },
    close: () => rl.close(),
  };
}

/** A writable that forwards to io.stdout; it reports the real terminal's width so line editing wraps right. */
function ioStream(io: Pick<CliIo, 'stdout'>): Writable {
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      io.stdout(chunk.toString());
      done();
    },
  });
  Object.defineProperty(stream, 'columns', { get: () => process.stdout.columns });
  return stream;
}
