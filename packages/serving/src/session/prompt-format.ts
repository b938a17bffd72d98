import type { ChatMessage, ChatTemplate, ConversationTemplate, DialogPair } from '@medgpt/templates';

/** How a conversation becomes the text the model continues. */
export interface PromptFormat {
  /** For messages: `template 'qwen'` or `the tokenizer's chat_template`. */
  readonly description: string;
  /**
   * The prompt for the next answer: earlier exchanges, then `query` awaiting its answer. An empty
   * `systemPrompt` keeps the format's default.
   */
  build(history: readonly DialogPair[], query: string, systemPrompt: string): string;
}

/** `--template_name`: MedicalGPT's `get_prompt([...history, [query, ""]], system_prompt)`. */
export function namedTemplateFormat(template: ConversationTemplate): PromptFormat {
  return {
    description: `template '${template.name}'`,
    build: (history, query, systemPrompt) => template.formatPrompt([...history, [query, '']], systemPrompt),
  };
}

/**
 * The tokenizer's chat template, as inference.py builds it: an optional system message, the history
 * (an empty answer is left out), the query, then `apply_chat_template(add_generation_prompt=True)`.
 */
export function chatTemplateFormat(chatTemplate: ChatTemplate): PromptFormat {
  return {
    description: "the tokenizer's chat_template",
    build(history, query, systemPrompt) {
      const messages: ChatMessage[] = systemPrompt ? [{ role: 'system', content: systemPrompt }] : [];
      for (const [user, assistant] of history) {
        messages.push({ role: 'user', content: user });
        if (assistant) messages.push({ role: 'assistant', content: assistant });
      }
      messages.push({ role: 'user', content: query });
      return chatTemplate.render(messages, { addGenerationPrompt: true });
    },
  };
}
