import {
  resolveConversationTemplate,
  type ChatMessage,
  type ChatTemplate,
  type ConversationTemplate,
} from '@medgpt/templates';

/** How preference text is rendered: a named template (`--template_name`) or the tokenizer's chat template. */
export interface PreferenceFormatOptions {
  readonly template?: ConversationTemplate | string | null;
  readonly chatTemplate?: ChatTemplate | null;
  /** Extra chat-template variables (e.g. `{ enable_thinking: false }`). */
  readonly chatTemplateKwargs?: Readonly<Record<string, unknown>>;
  /** `--tool_format`. */
  readonly toolFormat?: string | null;
  /** Date for the llama3 tool prompt. */
  readonly date?: Date;
}

/** The named template, or undefined to use the chat template; exactly one must be given. */
export function pickTemplate(options: PreferenceFormatOptions): ConversationTemplate | undefined {
  if (Boolean(options.template) === Boolean(options.chatTemplate)) {
    throw new Error('preference data needs exactly one of `template` (a named template) and `chatTemplate`');
  }
  return options.template ? resolveConversationTemplate(options.template) : undefined;
}

/** Renders messages through the chat template with the caller's kwargs. */
export function renderChat(
  options: PreferenceFormatOptions,
  messages: readonly ChatMessage[],
  addGenerationPrompt: boolean,
): string {
  return options.chatTemplate!.render(messages, { addGenerationPrompt, kwargs: options.chatTemplateKwargs });
}
