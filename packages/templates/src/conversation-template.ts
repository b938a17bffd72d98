import { pythonFormat } from './python-format.js';

/** The fields of a MedicalGPT `Conversation` (training/template.py), camelCased. */
export interface ConversationTemplateSpec {
  /** Registry key, the value of MedicalGPT's `--template_name`. */
  readonly name: string;
  /** One line on the models the template is for; informational. */
  readonly description?: string;
  /** Default system string, wrapper tokens included (qwen: `<|im_start|>system\n...<|im_end|>\n`). */
  readonly systemPrompt: string;
  /** Speaker names. Informational only: MedicalGPT never renders them. */
  readonly roles: readonly [string, string];
  /** Per-turn user format, Python `str.format` syntax with a `{query}` field. */
  readonly prompt: string;
  /** Joins the system string to turn 0 and each answer to the next turn. */
  readonly sep: string;
  /** Stop string for generation; MedicalGPT's default is `</s>`. */
  readonly stopStr?: string;
}

/** One exchange: the user's query and the assistant's answer (`''` for the turn to generate). */
export type DialogPair = readonly [query: string, answer: string];

/**
 * A named conversation template with MedicalGPT's assembly rules: a caller's system prompt
 * replaces the template's whole system string (wrapper tokens included), a non-empty system
 * string is followed by `sep`, and every turn after the first starts with `sep`.
 */
export class ConversationTemplate implements ConversationTemplateSpec {
  readonly name: string;
  readonly description: string;
  readonly systemPrompt: string;
  readonly roles: readonly [string, string];
  readonly prompt: string;
  readonly sep: string;
  readonly stopStr: string;

  constructor(spec: ConversationTemplateSpec) {
    this.name = spec.name;
    this.description = spec.description ?? '';
    this.systemPrompt = spec.systemPrompt;
    this.roles = spec.roles;
    this.prompt = spec.prompt;
    this.sep = spec.sep;
    this.stopStr = spec.stopStr ?? '</s>';
    pythonFormat(this.prompt, { query: '' }); // reject a malformed prompt now, not on first use
  }

  /**
   * MedicalGPT's `get_dialog`: `[source0, answer0, source1, answer1, ...]`. Sources carry all
   * template text; answers are returned raw. These are the SFT prompt/target units.
   */
  formatDialog(pairs: readonly DialogPair[], systemPrompt = ''): string[] {
    const system = systemPrompt || this.systemPrompt;
    const head = system ? system + this.sep : '';
    const out: string[] = [];
    pairs.forEach(([query, answer], turn) => {
      const user = pythonFormat(this.prompt, { query });
      out.push((turn === 0 ? head : this.sep) + user, answer);
    });
    return out;
  }

  /** MedicalGPT's `get_prompt`: the dialog joined. End with `[query, '']` to prompt for a reply. */
  formatPrompt(pairs: readonly DialogPair[], systemPrompt = ''): string {
    return this.formatDialog(pairs, systemPrompt).join('');
  }
}
