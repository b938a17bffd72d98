import { chatTemplateFromConfig, getConversationTemplate, type TokenizerConfig } from '@medgpt/templates';
import type { Tokenizer } from '@medgpt/tokenizer';

/** How a question's user text becomes the prompt the model continues, and its token ids. */
export type ChoiceRenderer = (userText: string) => number[];

/**
 * 'none': the text as it is (a base model, C-Eval's own setting), tokenised with the tokenizer's special
 * tokens; null: the tokenizer's chat template with the generation prompt; a name: that MedicalGPT
 * template's prompt (`get_prompt`). Chat-rendered prompts are tokenised without added special tokens
 * (the template writes them).
 */
export function choiceRenderer(tokenizer: Tokenizer, template: string | null): ChoiceRenderer {
  if (template === 'none') return (text) => tokenizer.encode(text);
  if (template !== null) {
    const t = getConversationTemplate(template);
    return (text) => tokenizer.encode(t.formatPrompt([[text, '']]), { addSpecialTokens: false });
  }
  const chat = chatTemplateFromConfig({
    ...(tokenizer.tokenizerConfig as TokenizerConfig),
    chat_template: tokenizer.chatTemplate,
  });
  return (text) =>
    tokenizer.encode(chat.render([{ role: 'user', content: text }], { addGenerationPrompt: true }), {
      addSpecialTokens: false,
    });
}
