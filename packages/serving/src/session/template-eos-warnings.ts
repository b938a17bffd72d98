import {
  checkTemplateEos,
  type ChatTemplate,
  type ConversationTemplate,
  type TemplateEosCode,
} from '@medgpt/templates';
import type { Tokenizer } from '@medgpt/tokenizer';

// pad == eos matters to label masking in training, not to generation.
const TRAINING_ONLY = new Set<TemplateEosCode>(['pad-is-eos']);

export interface TemplateEosWarningInput {
  readonly template?: ConversationTemplate;
  readonly chatTemplate?: ChatTemplate;
  readonly tokenizer: Tokenizer;
  /** generation_config.json's eos ids: what generation stops on. */
  readonly generationEosIds: readonly number[];
}

/**
 * checkTemplateEos's findings as printable lines (`warning: ...` then `  fix: ...`): where the template
 * and the tokenizer disagree on how an answer ends, the model may never stop. Only warnings: the run
 * goes on, as inference.py would.
 */
export function templateEosWarnings(input: TemplateEosWarningInput): string[] {
  const tok = input.tokenizer;
  const special = tok.tokenizerJson.added_tokens.filter((t) => t.special).map((t) => t.content);
  const findings = checkTemplateEos({
    template: input.template ?? null,
    chatTemplate: input.template ? null : (input.chatTemplate ?? null),
    tokenizer: {
      eosToken: tok.eosToken,
      bosToken: tok.bosToken,
      padToken: tok.padToken,
      specialTokens: special,
      generationEosTokens: input.generationEosIds
        .map((id) => tok.idToToken(id))
        .filter((t): t is string => t !== undefined),
    },
  });
  return findings
    .filter((f) => !TRAINING_ONLY.has(f.code))
    .flatMap((f) => [`warning: ${f.message}`, `  fix: ${f.fix}`]);
}
