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

/** A config token's form: a string, `{content: string, ...}`, or null. */
function isConfigToken(token: unknown): boolean {
  if (token === null || token === undefined || typeof token === 'string') return true;
  return typeof token === 'object' && typeof (token as { content?: unknown }).content === 'string';
}

/**
 * Checks the fields a chat template reads from a parsed tokenizer_config.json: the template (a string or
 * a list of {name, template}) and the special tokens, naming the field and its expected form.
 */
function checkConfig(config: unknown): asserts config is TokenizerConfig {
  const fail = (field: string, expected: string) => {
    throw new ChatTemplateError(`tokenizer_config.json: ${field}: expected ${expected}`);
  };
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    fail('the file', 'a JSON object');
  const c = config as Record<string, unknown>;
  const template = c.chat_template;
  const templateForm = 'a jinja string or a list of {"name": string, "template": string}';
  if (Array.isArray(template)) {
    template.forEach((t: unknown, i) => {
      const entry = t as { name?: unknown; template?: unknown } | null;
      if (
        typeof entry !== 'object' ||
        entry === null ||
        typeof entry.name !== 'string' ||
        typeof entry.template !== 'string'
      )
        fail(`chat_template[${i}]`, templateForm);
    });
  } else if (template !== undefined && template !== null && typeof template !== 'string') {
    fail('chat_template', templateForm);
  }
  const tokenForm = 'a string, {"content": string} or null';
  for (const key of TOKEN_KEYS) if (!isConfigToken(c[key])) fail(key, tokenForm);
  const extra = c.additional_special_tokens;
  if (extra !== undefined && extra !== null) {
    if (!Array.isArray(extra)) fail('additional_special_tokens', 'a list of tokens');
    (extra as unknown[]).forEach((t, i) => {
      if (!isConfigToken(t)) fail(`additional_special_tokens[${i}]`, tokenForm);
    });
  }
}

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
  checkConfig(config);
  const source = pickTemplate(config.chat_template, choice);
  return new ChatTemplate(source, specialTokensFromConfig(config));
}

/**
 * Reads a checkpoint directory's chat template as transformers does: `chat_template.jinja` when
 * present (newer transformers save it there), else tokenizer_config.json's `chat_template`.
 */
export async function loadChatTemplate(dir: string, choice: ChatTemplateChoice = {}): Promise<ChatTemplate> {
  const file = join(dir, 'tokenizer_config.json');
  let config: TokenizerConfig;
  try {
    config = JSON.parse(await readFile(file, 'utf8')) as TokenizerConfig;
  } catch (err) {
    const problem = err instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
    throw new ChatTemplateError(`${file} ${problem}: ${(err as Error).message}`, { cause: err });
  }
  const jinja = await readOptional(join(dir, 'chat_template.jinja'));
  try {
    const withJinja =
      jinja === undefined || !isPlainObject(config) ? config : { ...config, chat_template: jinja };
    return chatTemplateFromConfig(withJinja, choice);
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

function isPlainObject(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
