import { ChatSession } from '@medgpt/serving';
import type { CliIo } from '../cli-io.js';
import { EXIT_OK } from '../command.js';
import type { InferenceFlags } from '../inference/inference-options.js';
import { loadInferenceSession } from '../inference/load-inference-session.js';
import { createLineReader, type LineInput } from './line-reader.js';
import { runChatLoop } from './run-chat-loop.js';

export interface ChatFlags extends InferenceFlags {
  single_tune?: boolean;
}

/** `medgpt chat` once its options are parsed: load the model, talk until `exit`, free the model. */
export async function runChat(flags: ChatFlags, io: CliIo, input: LineInput): Promise<number> {
  const inference = await loadInferenceSession(flags, io, (line) => io.stderr(`${line}\n`));
  try {
    const session = new ChatSession(inference, {
      systemPrompt: flags.system_prompt ?? '',
      singleTurn: flags.single_tune ?? false,
    });
    await runChatLoop(session, createLineReader(input, io), io);
    return EXIT_OK;
  } finally {
    inference.dispose();
  }
}
