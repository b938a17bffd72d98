// MedicalGPT's PT, SFT, DPO and RM preprocessing, run in Python with transformers and the same Qwen3
// tokenizer (tools/fixtures/make_data_fixtures.py), against ours: ids and labels must be identical.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PreferenceConversation, TextRecord } from './formats/data-format.js';
import { loadRecords } from './load-records.js';
import type { SourcedRecord } from './record-issue.js';
import { qwen3Tokenizer } from './test-support/qwen3-tokenizer.js';
import { dpoExample } from './tokenize/dpo-example.js';
import { ptBlocks } from './tokenize/pt-blocks.js';
import { rewardExample } from './tokenize/reward-example.js';
import { sftSamples } from './tokenize/sft-samples.js';
import type { ShareGptConversation } from '@medgpt/templates';

interface Fixture {
  tokenizer: { eos_token: string; eos_token_id: number; bos_token_id: number; pad_token_id: number };
  pt: {
    file: string;
    rows: string[];
    block_size: number;
    eos_token_id: number;
    doc_ids: number[][];
    blocks: number[][];
  };
  sft: {
    file: string;
    template_name: string | null;
    model_max_length: number;
    train_on_inputs: boolean;
    examples: (
      | { line: number; dropped: string }
      | { line: number; dialog: string[]; input_ids: number[]; labels: number[] }
    )[];
  }[];
  dpo: {
    template_name: string | null;
    max_source_length: number;
    max_target_length: number;
    examples: {
      line: number;
      prompt: string;
      kept: boolean;
      chosen?: string;
      rejected?: string;
      prompt_ids?: number[];
      chosen_ids?: number[];
      rejected_ids?: number[];
    }[];
  }[];
  rm: {
    template_name: string | null;
    max_source_length: number;
    max_target_length: number;
    examples: { line: number; kept: boolean; chosen_ids: number[]; rejected_ids: number[] }[];
  }[];
}

const fixturePath = new URL('./fixtures/py-preprocess.json', import.meta.url);
const data = (rel: string) => new URL(`../../../data/medicalgpt/${rel}`, import.meta.url).pathname;
const hasFixture = existsSync(fixturePath);
if (!hasFixture) {
  console.warn(
    'py-preprocess.json is missing: run tools/fixtures/make_data_fixtures.py (see tools/fixtures/README.md)',
  );
}

describe.skipIf(!hasFixture)('MedicalGPT preprocessing, Python vs ours (Qwen3 tokenizer)', () => {
  const fx = hasFixture ? (JSON.parse(readFileSync(fixturePath, 'utf8')) as Fixture) : undefined!;
  const { tokenizer, chatTemplate } = qwen3Tokenizer();
  const firstRecords = async <T>(
    family: 'conversation' | 'preference' | 'text',
    file: string,
    lines: number[],
  ) => {
    const { records } = await loadRecords(data(file), { family });
    const byLine = new Map(records.map((r) => [r.source.line, r]));
    // A row our validator rejects is absent here; the tests then expect Python to have dropped it too.
    return lines.flatMap((line) => (byLine.has(line) ? [byLine.get(line) as SourcedRecord<T>] : []));
  };
  const format = (name: string | null) => (name ? { template: name } : { chatTemplate });

  it("special tokens after the scripts' fix-ups", () => {
    expect(tokenizer.eosTokenId).toBe(fx.tokenizer.eos_token_id);
    expect(tokenizer.eosToken).toBe(fx.tokenizer.eos_token);
  });

  it("PT: the text loader's rows and group_texts' blocks", async () => {
    const { records } = await loadRecords<'text'>(data(fx.pt.file), { family: 'text' });
    const rows = records.slice(0, fx.pt.rows.length) as SourcedRecord<TextRecord>[];
    expect(rows.map((r) => r.value.text)).toEqual(fx.pt.rows);
    const blocks = [];
    for await (const block of ptBlocks(rows, tokenizer, { blockSize: fx.pt.block_size }))
      blocks.push(Array.from(block.inputIds));
    expect(blocks).toEqual(fx.pt.blocks);
  });

  describe.each(
    fx?.sft.map(
      (v) =>
        [
          `${v.file} ${v.template_name ?? 'chat_template'} max=${v.model_max_length}${v.train_on_inputs ? ' train_on_inputs' : ''}`,
          v,
        ] as const,
    ) ?? [],
  )('SFT %s', (_, variant) => {
    it('input_ids and labels of every row', async () => {
      const lines = variant.examples.map((e) => e.line);
      const records = await firstRecords<ShareGptConversation>('conversation', variant.file, lines);
      const { samples, dropped } = sftSamples(records, {
        ...format(variant.template_name),
        split: 'medicalgpt',
        tokenizer,
        modelMaxLength: variant.model_max_length,
        trainOnInputs: variant.train_on_inputs,
      });
      const ours = new Map(samples.map((s) => [s.source.line, s]));
      for (const expected of variant.examples) {
        if ('dropped' in expected) {
          const loaded = records.some((r) => r.source.line === expected.line);
          if (loaded) expect(dropped.map((d) => d.line)).toContain(expected.line);
          continue;
        }
        const sample = ours.get(expected.line)!;
        expect(sample, `line ${expected.line}`).toBeDefined();
        expect(sample.inputIds, `line ${expected.line} input_ids`).toEqual(expected.input_ids);
        expect(sample.labels, `line ${expected.line} labels`).toEqual(expected.labels);
      }
      const kept = variant.examples.filter((e) => !('dropped' in e)).length;
      expect(samples.length).toBe(kept);
    });
  });

  describe.each(fx?.dpo.map((v) => [v.template_name ?? 'chat_template', v] as const) ?? [])(
    'DPO %s',
    (_, variant) => {
      it('prompt, length filter and TRL ids of every row', async () => {
        const records = await firstRecords<PreferenceConversation>(
          'preference',
          'reward/dpo_zh_500.jsonl',
          variant.examples.map((e) => e.line),
        );
        expect(records).toHaveLength(variant.examples.length);
        for (const [i, expected] of variant.examples.entries()) {
          const result = dpoExample(records[i]!.value, {
            ...format(variant.template_name),
            tokenizer,
            maxSourceLength: variant.max_source_length,
            maxTargetLength: variant.max_target_length,
          });
          const where = `line ${expected.line}`;
          expect(result.ok ? result.example.prompt : result.prompt, where).toBe(expected.prompt);
          expect(result.ok, where).toBe(expected.kept);
          if (!result.ok) continue;
          expect(result.example.chosen, where).toBe(expected.chosen);
          expect(result.example.rejected, where).toBe(expected.rejected);
          expect(result.example.promptIds, where).toEqual(expected.prompt_ids);
          expect(result.example.chosenIds, where).toEqual(expected.chosen_ids);
          expect(result.example.rejectedIds, where).toEqual(expected.rejected_ids);
        }
      });
    },
  );

  describe.each(fx?.rm.map((v) => [v.template_name ?? 'chat_template', v] as const) ?? [])(
    'RM %s',
    (_, variant) => {
      it('chosen and rejected ids and the length filter of every row', async () => {
        const records = await firstRecords<PreferenceConversation>(
          'preference',
          'reward/dpo_zh_500.jsonl',
          variant.examples.map((e) => e.line),
        );
        expect(records).toHaveLength(variant.examples.length);
        for (const [i, expected] of variant.examples.entries()) {
          const result = rewardExample(records[i]!.value, {
            ...format(variant.template_name),
            tokenizer,
            maxSourceLength: variant.max_source_length,
            maxTargetLength: variant.max_target_length,
          });
          expect(result.ok, `line ${expected.line}`).toBe(expected.kept);
          if (result.ok) {
            expect(result.example.chosenIds, `line ${expected.line}`).toEqual(expected.chosen_ids);
            expect(result.example.rejectedIds, `line ${expected.line}`).toEqual(expected.rejected_ids);
          }
        }
      });
    },
  );
});
