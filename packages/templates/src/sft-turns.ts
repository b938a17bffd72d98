import type { ChatTemplate } from './chat-template.js';
import { chatTemplateDialog, type DialogSplit } from './chat-template-dialog.js';
import type { ConversationTemplate } from './conversation-template.js';
import { shareGptToPairs, type ShareGptConversation, type ShareGptPairOptions } from './sharegpt-pairs.js';
import { resolveConversationTemplate } from './template-registry.js';

/** One supervised turn: the masked prompt text (all template text) and the trained answer. */
export interface SftTurn {
  readonly prompt: string;
  readonly answer: string;
}

/** How a conversation becomes text: a named template, or the tokenizer's chat template. */
export interface SftFormatOptions extends ShareGptPairOptions {
  /** A MedicalGPT `--template_name` or a template object. */
  readonly template?: ConversationTemplate | string | null;
  /** The tokenizer's chat template, MedicalGPT's default when no template name is given. */
  readonly chatTemplate?: ChatTemplate | null;
  /** Extra chat-template variables (e.g. `{ enable_thinking: false }`). */
  readonly chatTemplateKwargs?: Readonly<Record<string, unknown>>;
  /** How chat-template output is cut into turns; see DialogSplit. */
  readonly split?: DialogSplit;
}

/**
 * The SFT view of a ShareGPT row: MedicalGPT's role mapping and pairing, then the template's
 * dialog as (prompt, answer) turns. Empty when the row has no answered question.
 */
export function sftTurns(row: ShareGptConversation, options: SftFormatOptions): SftTurn[] {
  if (Boolean(options.template) === Boolean(options.chatTemplate)) {
    throw new Error('sftTurns needs exactly one of `template` (a named template) and `chatTemplate`');
  }
  const { systemPrompt, pairs } = shareGptToPairs(row, options);
  if (pairs.length === 0) return [];
  const segments = options.template
    ? resolveConversationTemplate(options.template).formatDialog(pairs, systemPrompt)
    : chatTemplateDialog(options.chatTemplate!, pairs, systemPrompt, {
        kwargs: options.chatTemplateKwargs,
        split: options.split,
      });
  return dialogToTurns(segments);
}

/** `[src0, a0, src1, a1, ...]` -> `[{prompt: src0, answer: a0}, ...]`. */
export function dialogToTurns(segments: readonly string[]): SftTurn[] {
  if (segments.length % 2 !== 0)
    throw new Error(`A dialog has an even number of segments, got ${segments.length}`);
  const turns: SftTurn[] = [];
  for (let i = 0; i < segments.length; i += 2) turns.push({ prompt: segments[i]!, answer: segments[i + 1]! });
  return turns;
}
