import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChatTemplate, ChatTemplateError, type SpecialTokens } from './chat-template.js';

/** A token in tokenizer_config.json: a string, or (older files) an AddedToken object. */
export type ConfigToken = string | { content: string; [key: string]: unknown } | null;

/** The tokenizer_config.json fields this package reads. */
export interface TokenizerConfig {
  chat_template?: string | readonly { name: string; template: string }[] | null;
  bos_token?: ConfigToken;
  eos_token?: ConfigToken;
  unk_token?: ConfigToken;
  pad_token?: ConfigToken;
  sep_token?: ConfigToken;
  cls_token?: ConfigToken;
  mask_token?: ConfigToken;
  additional_special_tokens?: readonly ConfigToken[] | null;
  added_tokens_decoder?: Record<string, { content: string; special?: boolean }>;
  [key: string]: unknown;
}

export interface ChatTemplateChoice {
  /** Which of several named templates to use (transformers' `chat_template="tool_use"`). */
  name?: string;
  /** Prefer the `tool_use` template when the config has one, as transformers does with tools. */
  forTools?: boolean;
}

const TOKEN_KEYS = [
  'bos_token',
  'eos_token',
  'unk_token',
  'pad_token',
  'sep_token',
  'cls_token',
  'mask_token',
] as const;

/** The special-token variables a chat template sees, from tokenizer_config.json. */
export function specialTokensFromConfig(config: TokenizerConfig): SpecialTokens {
  const out: Record<string, unknown> = {};
  for (const key of TOKEN_KEYS) {
    const token = tokenText(config[key]);
    if (token !== undefined) out[key] = token;
  }
  const extra = (config.additional_special_tokens ?? []).map(tokenText).filter((t) => t !== undefined);
  if (extra.length > 0) out.additional_special_tokens = extra;
  return out as SpecialTokens;
}

/** The content of a config token, whichever way it is written. */
export function tokenText(token: ConfigToken | undefined): string | undefined {
  if (token === null || token === undefined) return undefined;
  return typeof token === 'string' ? token : token.content;
}

/**
 * The chat template of a tokenizer_config.json, compiled, with its special tokens bound.
 * Throws ChatTemplateError when there is none: such a tokenizer needs a named template.
 */
export function chatTemplateFromConfig(
  config: TokenizerConfig,
  choice: ChatTemplateChoice = {},
): ChatTemplate {
  const source = pickTemplate(config.chat_template, choice);
  return new ChatTemplate(source, specialTokensFromConfig(config));
}

/**
 * Reads a checkpoint directory's chat template as transformers does: `chat_template.jinja` when
 * present (newer transformers save it there), else tokenizer_config.json's `chat_template`.
 */
export async function loadChatTemplate(dir: string, choice: ChatTemplateChoice = {}): Promise<ChatTemplate> {
  const config = JSON.parse(await readFile(join(dir, 'tokenizer_config.json'), 'utf8')) as TokenizerConfig;
  const jinja = await readOptional(join(dir, 'chat_template.jinja'));
  try {
    return chatTemplateFromConfig(jinja === undefined ? config : { ...config, chat_template: jinja }, choice);
  } catch (err) {
    if (err instanceof ChatTemplateError)
      throw new ChatTemplateError(`${dir}: ${err.message}`, { cause: err });
    throw err;
  }
}

function pickTemplate(template: TokenizerConfig['chat_template'], choice: ChatTemplateChoice): string {
  if (!template) {
    throw new ChatTemplateError(
      'The tokenizer has no chat_template. Pass a named template instead (MedicalGPT --template_name, ' +
        "e.g. 'qwen', 'llama3', 'chatml'), or add a chat_template to tokenizer_config.json.",
    );
  }
  if (typeof template === 'string') return template;
  const byName = new Map(template.map((t) => [t.name, t.template]));
  const name = choice.name ?? (choice.forTools && byName.has('tool_use') ? 'tool_use' : 'default');
  const picked = byName.get(name);
  if (picked === undefined) {
    throw new ChatTemplateError(
      `The tokenizer has no chat template named '${name}'. Available: ${[...byName.keys()].join(', ')}.`,
    );
  }
  return picked;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
