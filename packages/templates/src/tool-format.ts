/** A function schema as MedicalGPT's `tools` column holds it (OpenAI's `function` object). */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters?: {
    type?: string;
    properties?: Record<string, ToolParameter>;
    required?: string[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** One property of a tool's JSON-schema `parameters`. */
export interface ToolParameter {
  type?: unknown;
  description?: unknown;
  enum?: unknown[];
  items?: { type?: unknown; [key: string]: unknown };
  [key: string]: unknown;
}

/** MedicalGPT's `FunctionCall(name, arguments)`; `arguments` is JSON text, Python-serialised. */
export interface FunctionCall {
  name: string;
  arguments: string;
}

/**
 * One of MedicalGPT's `--tool_format`s (training/tool_utils.py): how tool schemas enter the
 * system prompt and how a call is written as assistant text.
 */
export interface ToolFormat {
  readonly name: string;
  /** `tool_formatter`: the text appended to the system prompt. `date` feeds llama3's prompt. */
  formatTools(tools: readonly ToolDefinition[], options?: { date?: Date }): string;
  /** `function_formatter`: the assistant text for one or more calls. */
  formatFunctionCalls(calls: readonly FunctionCall[]): string;
  /** `tool_extractor`: the calls in a model's reply, or the reply itself when it holds none. */
  extractFunctionCalls(text: string): FunctionCall[] | string;
}
