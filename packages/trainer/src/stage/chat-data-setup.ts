import {
  chatTemplateFromConfig,
  getConversationTemplate,
  type ChatTemplate,
  type ConversationTemplate,
  type TokenizerConfig,
} from '@medgpt/templates';
import { applySpecialTokenFallbacks, type Tokenizer } from '@medgpt/tokenizer';

/** How a chat-data stage renders and tokenises its rows. */
export interface ChatDataSetup {
  /** The tokenizer after MedicalGPT's special-token fallbacks (eos, bos, pad). */
  tokenizer: Tokenizer;
  /** --template_name's template, or null to render with `chatTemplate`. */
  template: ConversationTemplate | null;
  /** The tokenizer's own chat template, when no template is named. */
  chatTemplate: ChatTemplate | null;
  /** Log lines: the fallbacks applied. */
  notes: string[];
}

/**
 * What the SFT, RM, DPO and ORPO scripts do before tokenising: pick the named template (or the
 * tokenizer's chat template) and apply the special-token fallbacks (eos from the template's stop
 * string, bos := eos, pad := unk or eos).
 */
export function chatDataSetup(templateName: string | null, baseTokenizer: Tokenizer): ChatDataSetup {
  const template = templateName ? getConversationTemplate(templateName) : null;
  const { tokenizer, applied } = applySpecialTokenFallbacks(baseTokenizer, { stopStr: template?.stopStr });
  const notes = applied.map((a) => `tokenizer: ${a.reason} (${a.role} = ${JSON.stringify(a.content)})`);
  const chatTemplate = template
    ? null
    : chatTemplateFromConfig({
        ...(tokenizer.tokenizerConfig as TokenizerConfig),
        chat_template: tokenizer.chatTemplate,
      });
  return { tokenizer, template, chatTemplate, notes };
}
