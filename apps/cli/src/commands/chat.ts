import { defineCommand, type Command } from '../command.js';
import type { LineInput } from '../chat/line-reader.js';
import { INFERENCE_OPTIONS } from '../inference/inference-options.js';

const CHAT_OPTIONS = {
  ...INFERENCE_OPTIONS,
  interactive: {
    type: 'boolean',
    description: "accepted for inference.py's command line; chat is always interactive",
  },
  single_tune: { type: 'boolean', description: 'forget the history before every question (single-turn)' },
} as const;

/** Where `medgpt chat` reads the user's lines; tests pass a stream of their own. */
export interface ChatCommandOptions {
  readonly input?: LineInput;
}

/** `medgpt chat`: MedicalGPT's demo/inference.py --interactive (streaming, multi-turn). */
export function createChatCommand(setup: ChatCommandOptions = {}): Command<typeof CHAT_OPTIONS> {
  return defineCommand({
    name: 'chat',
    summary: 'talk to a model in the terminal: streamed answers, multi-turn history',
    description:
      "MedicalGPT's demo/inference.py --interactive. Each question is answered with the conversation so\n" +
      "far, in the --template_name template or else the tokenizer's chat_template; the answer is printed\n" +
      "as it is generated and ends at the stop string (--stop_str, else the template's, else </s>) or at an\n" +
      'eos token of generation_config.json or the tokenizer. Type `clear` to forget the history, `exit`\n' +
      "(or Ctrl-D) to quit; Ctrl-C stops an answer. Generation flags left out come from the model's\n" +
      "generation_config.json, then from inference.py's defaults (max_new_tokens 512, temperature 0.7).\n" +
      'Questions may also be piped in, one per line.',
    examples: [
      'medgpt chat --base_model outputs-sft-qwen --template_name qwen',
      'medgpt chat --base_model Qwen2.5-0.5B-Instruct --system_prompt "You are a doctor." --temperature 0',
    ],
    options: CHAT_OPTIONS,
    async run(options, { io }) {
      // Loaded on use: the tensor engine and the models stay out of `medgpt validate`'s start-up.
      const { runChat } = await import('../chat/run-chat.js');
      return runChat(options, io, setup.input ?? process.stdin);
    },
  });
}

export const chatCommand = createChatCommand();
