import { Template } from '@huggingface/jinja';

/** A chat message as transformers' `apply_chat_template` takes it. Extra keys reach the template. */
export interface ChatMessage {
  role: string;
  content?: string | null;
  /** OpenAI-style calls; `arguments` may be an object or a JSON string, templates handle both. */
  tool_calls?: readonly ChatToolCall[];
  /** Qwen3-style reasoning text, rendered inside `<think>` by templates that support it. */
  reasoning_content?: string;
  name?: string;
  tool_call_id?: string;
  [key: string]: unknown;
}

export interface ChatToolCall {
  type?: 'function';
  id?: string;
  function: { name: string; arguments: string | Record<string, unknown> };
}

/** The special-token variables transformers passes to every chat template. */
export interface SpecialTokens {
  bos_token?: string;
  eos_token?: string;
  unk_token?: string;
  pad_token?: string;
  sep_token?: string;
  cls_token?: string;
  mask_token?: string;
  additional_special_tokens?: readonly string[];
}

export interface ChatTemplateRenderOptions {
  /** Append the assistant header so the model answers next (transformers' add_generation_prompt). */
  addGenerationPrompt?: boolean;
  /** Tool schemas, usually `{type: 'function', function: {...}}`, rendered by the template. */
  tools?: readonly object[] | null;
  /** RAG documents, for templates that render them. */
  documents?: readonly object[] | null;
  /** End the text inside the final message, so generation continues it (prefill). */
  continueFinalMessage?: boolean;
  /** Extra template variables, e.g. `{ enable_thinking: false }` for Qwen3. */
  kwargs?: Readonly<Record<string, unknown>>;
}

/** A chat template that failed to compile or render, or raised through `raise_exception`. */
export class ChatTemplateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChatTemplateError';
  }
}

/**
 * A compiled jinja `chat_template`. Rendering matches transformers' `apply_chat_template(...,
 * tokenize=False)`: the same variables (messages, tools, documents, add_generation_prompt, the
 * special tokens, extra kwargs), trim_blocks/lstrip_blocks, `raise_exception`, `strftime_now`,
 * and Python-style `tojson`.
 */
export class ChatTemplate {
  readonly source: string;
  readonly specialTokens: Readonly<SpecialTokens>;
  private readonly compiled: Template;

  constructor(source: string, specialTokens: SpecialTokens = {}) {
    this.source = source;
    this.specialTokens = { ...specialTokens };
    try {
      this.compiled = new Template(source);
    } catch (err) {
      throw new ChatTemplateError(`Chat template does not compile: ${errorText(err)}`, { cause: err });
    }
  }

  render(messages: readonly ChatMessage[], options: ChatTemplateRenderOptions = {}): string {
    const addGenerationPrompt = options.addGenerationPrompt ?? false;
    if (addGenerationPrompt && options.continueFinalMessage) {
      throw new ChatTemplateError('continueFinalMessage and addGenerationPrompt cannot both be set');
    }
    const text = this.renderRaw({
      ...this.specialTokens,
      ...options.kwargs,
      messages,
      // transformers passes None, not nothing: templates may test `tools is none`.
      tools: options.tools ?? null,
      documents: options.documents ?? null,
      add_generation_prompt: addGenerationPrompt,
    });
    return options.continueFinalMessage ? cutAfterFinalMessage(text, messages) : text;
  }

  private renderRaw(context: Record<string, unknown>): string {
    try {
      return this.compiled.render(context);
    } catch (err) {
      throw new ChatTemplateError(`Chat template failed to render: ${errorText(err)}`, { cause: err });
    }
  }
}

/** transformers' continue_final_message: cut right after the last message's content. */
function cutAfterFinalMessage(text: string, messages: readonly ChatMessage[]): string {
  const final = messages.at(-1)?.content;
  if (typeof final !== 'string') {
    throw new ChatTemplateError('continueFinalMessage needs a final message with string content');
  }
  const at = text.lastIndexOf(final.trim());
  if (at < 0) {
    throw new ChatTemplateError(
      'continueFinalMessage is set but the final message does not appear in the rendered chat; ' +
        'the template may rewrite it (e.g. strip reasoning).',
    );
  }
  const keepsSpacing = text.slice(at, at + final.trimStart().length) === final;
  return text.slice(0, at + (keepsSpacing ? final.trimStart() : final.trim()).length);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
