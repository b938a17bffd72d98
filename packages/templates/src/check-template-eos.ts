import { ChatTemplate } from './chat-template.js';
import type { ConversationTemplate } from './conversation-template.js';
import { resolveConversationTemplate } from './template-registry.js';
import { tokenText, type TokenizerConfig } from './tokenizer-config.js';

/** The tokenizer facts the check needs, as strings. */
export interface TokenizerTokens {
  readonly eosToken: string | null | undefined;
  readonly bosToken?: string | null;
  readonly padToken?: string | null;
  /** Tokens the tokenizer keeps whole (its added and special tokens); enables the split check. */
  readonly specialTokens?: readonly string[];
  /** Tokens generation stops on (generation_config.json `eos_token_id`), when known. */
  readonly generationEosTokens?: readonly string[];
}

export type TemplateEosCode =
  | 'missing-eos'
  | 'stop-str-mismatch'
  | 'turn-end-mismatch'
  | 'generation-stop-mismatch'
  | 'token-not-special'
  | 'eos-not-special'
  | 'pad-is-eos'
  | 'chat-template-unrenderable';

export interface TemplateEosFinding {
  /** `error`: the model will likely not stop where the template expects; `warning`: worth a look. */
  readonly severity: 'error' | 'warning';
  readonly code: TemplateEosCode;
  readonly message: string;
  /** A suggested fix. */
  readonly fix: string;
}

export interface TemplateEosCheckInput {
  /** A named template (`--template_name`) or template object. */
  readonly template?: ConversationTemplate | string | null;
  /** The tokenizer's chat template (compiled, or its jinja source). */
  readonly chatTemplate?: ChatTemplate | string | null;
  readonly tokenizer: TokenizerTokens;
}

const PROBE_QUESTION = 'medgpt probe question';
const PROBE_ANSWER = 'medgpt probe answer';
// Control-token shapes used by the registered templates: <|x|>, <｜x｜>, </s>, <s>, <X_TOKEN>, <reserved_1>, <eoa>.
const TAG = /<\|[^|<>\s]+\|>|<｜[^｜<>]+｜>|<\/?s>|<[A-Z_]+_TOKEN>|<reserved_\d+>|<eo[ah]>/g;

/**
 * Checks that the template and the tokenizer agree on how a turn ends: a top cause of models
 * that never stop. SFT appends the tokenizer's EOS id after every answer, so the model learns
 * to emit that token; the template (and inference that follows it) expects its own end marker.
 * Pure: returns findings, never throws for a mismatch.
 */
export function checkTemplateEos(input: TemplateEosCheckInput): TemplateEosFinding[] {
  const tok = input.tokenizer;
  const findings: TemplateEosFinding[] = [];
  let expectedEnd: string | undefined;
  if (input.template) {
    const template = resolveConversationTemplate(input.template);
    expectedEnd = template.stopStr;
    findings.push(...checkNamedTemplate(template, tok));
  }
  if (input.chatTemplate) {
    const chat =
      typeof input.chatTemplate === 'string' ? compile(input.chatTemplate, tok) : input.chatTemplate;
    const probe = probeChatTemplate(chat, tok);
    if ('error' in probe) findings.push(probe.error);
    else {
      expectedEnd ??= probe.turnEnd;
      findings.push(...checkChatTemplate(probe, tok));
    }
  }
  findings.push(...checkTokenizer(tok, expectedEnd));
  return findings;
}

/** The token strings of a tokenizer_config.json, for checkTemplateEos. */
export function tokenizerTokensFromConfig(config: TokenizerConfig): TokenizerTokens {
  const added = Object.values(config.added_tokens_decoder ?? {}).map((t) => t.content);
  const named = [
    config.bos_token,
    config.eos_token,
    config.unk_token,
    config.pad_token,
    ...(config.additional_special_tokens ?? []),
  ];
  const special = [...added, ...named.map(tokenText)].filter((t): t is string => typeof t === 'string');
  return {
    eosToken: tokenText(config.eos_token),
    bosToken: tokenText(config.bos_token),
    padToken: tokenText(config.pad_token),
    specialTokens: [...new Set(special)],
  };
}

function checkNamedTemplate(template: ConversationTemplate, tok: TokenizerTokens): TemplateEosFinding[] {
  const findings: TemplateEosFinding[] = [];
  if (tok.eosToken && template.stopStr !== tok.eosToken) {
    findings.push({
      severity: 'error',
      code: 'stop-str-mismatch',
      message: `template '${template.name}' stop_str '${template.stopStr}' is not the tokenizer's eos '${tok.eosToken}'`,
      fix:
        `SFT teaches the model to end answers with '${tok.eosToken}'. Use the template made for this model ` +
        `family, or set eos_token to '${template.stopStr}' (tokenizer_config.json, and eos_token_id in ` +
        `generation_config.json) so training and generation agree.`,
    });
  }
  const text = [template.systemPrompt, template.prompt, template.sep, template.stopStr].join('\n');
  findings.push(...unknownTags(text, `template '${template.name}'`, tok));
  return findings;
}

interface ChatProbe {
  /** The first control token after an assistant answer, e.g. `<|im_end|>`. */
  readonly turnEnd: string | undefined;
  readonly text: string;
}

function probeChatTemplate(
  chat: ChatTemplate,
  tok: TokenizerTokens,
): ChatProbe | { error: TemplateEosFinding } {
  const messages = [
    { role: 'user', content: PROBE_QUESTION },
    { role: 'assistant', content: PROBE_ANSWER },
  ];
  try {
    const text = chat.render(messages);
    const after = text.slice(text.lastIndexOf(PROBE_ANSWER) + PROBE_ANSWER.length);
    return { turnEnd: leadingToken(after, tok), text };
  } catch (err) {
    return {
      error: {
        severity: 'warning',
        code: 'chat-template-unrenderable',
        message: `the chat template does not render a plain user/assistant exchange: ${(err as Error).message}`,
        fix: 'Check the template with a two-message conversation; SFT renders exactly such messages.',
      },
    };
  }
}

function checkChatTemplate(probe: ChatProbe, tok: TokenizerTokens): TemplateEosFinding[] {
  const findings: TemplateEosFinding[] = [];
  if (tok.eosToken && probe.turnEnd && probe.turnEnd !== tok.eosToken) {
    findings.push({
      severity: 'error',
      code: 'turn-end-mismatch',
      message: `the chat template ends assistant turns with '${probe.turnEnd}' but the tokenizer's eos is '${tok.eosToken}'`,
      fix:
        `Set eos_token to '${probe.turnEnd}' in tokenizer_config.json (and eos_token_id in generation_config.json): ` +
        `SFT appends the eos id after every answer, so with '${tok.eosToken}' the model learns to end with a ` +
        `token that chat prompts never show and that servers following the template do not stop on.`,
    });
  }
  findings.push(...unknownTags(probe.text, 'the chat template', tok));
  return findings;
}

function checkTokenizer(tok: TokenizerTokens, expectedEnd: string | undefined): TemplateEosFinding[] {
  const findings: TemplateEosFinding[] = [];
  if (!tok.eosToken) {
    findings.push({
      severity: 'error',
      code: 'missing-eos',
      message: 'the tokenizer has no eos_token',
      fix: `Set eos_token to '${expectedEnd ?? '</s>'}' in tokenizer_config.json (MedicalGPT falls back to the template's stop_str, else '</s>').`,
    });
    return findings;
  }
  const stops = tok.generationEosTokens;
  const end = expectedEnd ?? tok.eosToken;
  if (stops && stops.length > 0 && !stops.includes(end)) {
    findings.push({
      severity: 'error',
      code: 'generation-stop-mismatch',
      message: `generation stops on [${stops.join(', ')}], which does not include the turn end '${end}'`,
      fix: `Add the id of '${end}' to eos_token_id in generation_config.json.`,
    });
  }
  if (tok.specialTokens && !tok.specialTokens.includes(tok.eosToken)) {
    findings.push({
      severity: 'warning',
      code: 'eos-not-special',
      message: `the eos token '${tok.eosToken}' is not one of the tokenizer's special tokens`,
      fix: 'Check eos_token in tokenizer_config.json: it should name a single special token of the vocabulary.',
    });
  }
  if (tok.padToken && tok.padToken === tok.eosToken) {
    findings.push({
      severity: 'warning',
      code: 'pad-is-eos',
      message: `pad_token is the eos token '${tok.eosToken}'`,
      fix:
        'MedicalGPT-style labels (-100 on padding) are safe, but a collator that masks labels by pad id also ' +
        'masks every EOS and the model never learns to stop. Use a distinct pad token, or mask by attention.',
    });
  }
  return findings;
}

/** Control tokens in `text` that the tokenizer would split into ordinary pieces. */
function unknownTags(text: string, where: string, tok: TokenizerTokens): TemplateEosFinding[] {
  if (!tok.specialTokens) return [];
  const known = new Set(tok.specialTokens);
  const missing = [...new Set(text.match(TAG) ?? [])].filter((tag) => !known.has(tag));
  return missing.map((tag) => ({
    severity: 'warning' as const,
    code: 'token-not-special' as const,
    message: `${where} uses '${tag}', which is not a special token of this tokenizer: it becomes several ordinary tokens`,
    fix: 'Use the template made for this model family, or add the token to the tokenizer as a special token (and resize the embeddings).',
  }));
}

/** The control token at the start of `text` (after whitespace): a known special token, else a tag. */
function leadingToken(text: string, tok: TokenizerTokens): string | undefined {
  const rest = text.trimStart();
  const known = (tok.specialTokens ?? []).filter((t) => t.length > 0 && rest.startsWith(t));
  if (known.length > 0) return known.reduce((a, b) => (b.length > a.length ? b : a));
  return /^<[^<>\s]{1,40}>/.exec(rest)?.[0];
}

function compile(source: string, tok: TokenizerTokens): ChatTemplate {
  const specials: Record<string, string> = {};
  if (tok.bosToken) specials.bos_token = tok.bosToken;
  if (tok.eosToken) specials.eos_token = tok.eosToken;
  if (tok.padToken) specials.pad_token = tok.padToken;
  return new ChatTemplate(source, specials);
}
