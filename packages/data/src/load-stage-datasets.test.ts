import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStageDatasets } from './load-stage-datasets.js';
import { numpyPermutation } from './random/numpy-permutation.js';
import { splitValidation } from './split-validation.js';

const sample = (rel: string) => new URL(`../../../data/medicalgpt/${rel}`, import.meta.url).pathname;

describe('loadStageDatasets', () => {
  it("SFT: MedicalGPT's split, re-shuffle and max_train_samples, row for row", async () => {
    const file = sample('sft/medical_sft_1K_format.jsonl');
    const data = await loadStageDatasets({
      stage: 'sft',
      trainFileDir: file,
      validationSplitPercentage: 5,
      maxTrainSamples: 20,
      maxEvalSamples: 3,
    });
    const split = splitValidation(1000, { rule: 'shuffle-split', percentage: 5, seed: 42 });
    const reshuffled = numpyPermutation(split.train.length, 42).map((i) => split.train[i]!);
    // Lines are 1-based row numbers in this file (no blank lines).
    expect(data.train.map((r) => r.source.line)).toEqual(reshuffled.slice(0, 20).map((i) => i + 1));
    expect(data.validation.map((r) => r.source.line)).toEqual(split.validation.slice(0, 3).map((i) => i + 1));
    expect(data.split).toBe('shuffle-split');
    expect(data.trainReport.valid).toBe(1000);
  });

  it('DPO: the first int(1%) rows validate, the rest train in file order', async () => {
    const data = await loadStageDatasets({ stage: 'dpo', trainFileDir: sample('reward/dpo_zh_500.jsonl') });
    expect(data.validation.map((r) => r.source.line)).toEqual([1, 2, 3, 4, 5]);
    expect(data.train).toHaveLength(495);
    expect(data.train[0]!.value.chosen).toEqual(expect.any(String));
  });

  it('PT: every .txt line of a directory, the first 1% as validation', async () => {
    const data = await loadStageDatasets({ stage: 'pt', trainFileDir: sample('pretrain') });
    const total = 500 + 996 + 2380;
    expect(data.validation).toHaveLength(39); // round(38.76)
    expect(data.train).toHaveLength(total - 39);
    expect(data.validation[0]!.source.file).toMatch(/en_article_tail500\.txt$/);
  });

  it('uses the validation directory when given, and PPO keeps at most 100 of it', async () => {
    const dir = sample('sft/medical_sft_1K_format.jsonl');
    const data = await loadStageDatasets({ stage: 'ppo', trainFileDir: dir, validationFileDir: dir });
    expect([data.split, data.train.length, data.validation.length]).toEqual(['directory', 1000, 100]);
    await expect(loadStageDatasets({ stage: 'ppo', trainFileDir: dir })).rejects.toThrow(
      /validation_file_dir/,
    );
  });

  it('GRPO: train_samples after a seeded shuffle, then 10% held out', async () => {
    const data = await loadStageDatasets({
      stage: 'grpo',
      trainFileDir: sample('grpo'),
      maxTrainSamples: 20,
    });
    expect([data.train.length, data.validation.length]).toEqual([18, 2]);
    expect(data.train[0]!.value).toEqual({ question: expect.any(String), answer: expect.any(String) });
  });

  it('a file without a usable record fails naming it and the first reasons, not the split', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medgpt-nodata-'));
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, 'not json\n{"conversations": []}\n');
    await expect(loadStageDatasets({ stage: 'sft', trainFileDir: file })).rejects.toThrow(
      new RegExp(`^${file}: 2 records read, none usable for sft; the first: ${file}:1: error: .*invalid JSON.*; ${file}:2: error: conversations: has no turns.* \\(medgpt validate ${file} --stage sft lists them all\\)$`),
    );
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    await expect(loadStageDatasets({ stage: 'dpo', trainFileDir: empty })).rejects.toThrow(`${empty}: no records found`);
  });

  it('SimPO and CPO take their rows as DPO does', async () => {
    const file = sample('reward/dpo_zh_500.jsonl');
    const dpo = await loadStageDatasets({ stage: 'dpo', trainFileDir: file, maxTrainSamples: 50 });
    for (const stage of ['simpo', 'cpo'] as const) {
      const data = await loadStageDatasets({ stage, trainFileDir: file, maxTrainSamples: 50 });
      expect(data.split).toBe('head-floor');
      expect(data.train).toEqual(dpo.train);
      expect(data.validation).toEqual(dpo.validation);
    }
  });

  it('KTO on paired files: split and capped as pairs, then each pair gives two rows', async () => {
    const data = await loadStageDatasets({
      stage: 'kto',
      trainFileDir: sample('reward'),
      maxTrainSamples: 20,
    });
    expect(data.trainReport.family).toBe('preference');
    expect(data.trainReport.valid).toBe(511);
    // int(511 * 1%) = 5 validation pairs, the first rows of dpo_zh_500.jsonl.
    expect(data.validation.map((r) => `${r.source.line}${r.value.label ? '+' : '-'}`)).toEqual([
      ...[1, 2, 3, 4, 5].map((l) => `${l}+`),
      ...[1, 2, 3, 4, 5].map((l) => `${l}-`),
    ]);
    expect(data.train).toHaveLength(40);
    expect(data.train[0]!.source.line).toBe(6);
    const first = data.train[0]!.value;
    const pairOfFirst = data.train[20]!;
    expect([first.label, pairOfFirst.value.label, pairOfFirst.source]).toEqual([
      true,
      false,
      data.train[0]!.source,
    ]);
    expect(pairOfFirst.value.conversations).toBe(first.conversations);
    expect(first.completion).not.toBe(pairOfFirst.value.completion);
  });

  it('KTO on unpaired files, with a validation directory of paired rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medgpt-kto-'));
    mkdirSync(join(dir, 'train'));
    const rows = [
      { prompt: 'Q1', completion: 'A1', label: true },
      {
        conversations: [
          { from: 'human', value: 'Q2' },
          { from: 'gpt', value: 'A2' },
        ],
        kto_tag: false,
      },
      { prompt: 'P', chosen: 'c', rejected: 'r' },
      { conversations: [{ from: 'human', value: 'Q3' }], completion: 'A3', label: 1 },
    ];
    writeFileSync(join(dir, 'train', 'kto.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
    const data = await loadStageDatasets({
      stage: 'kto',
      trainFileDir: join(dir, 'train'),
      validationFileDir: sample('reward/toolcall_dpo_zh_demo.jsonl'),
    });
    expect(data.trainReport.family).toBe('unpaired');
    expect(data.train.map((r) => r.value)).toEqual([
      { conversations: [{ from: 'human', value: 'Q1' }], completion: 'A1', label: true },
      { conversations: [{ from: 'human', value: 'Q2' }], completion: 'A2', label: false },
    ]);
    expect(data.trainReport.issues.map((i) => [i.line, i.code, i.field])).toEqual([
      [3, 'format-mismatch', undefined],
      [4, 'wrong-type', 'label'],
    ]);
    expect(data.validationReport!.family).toBe('preference');
    expect(data.validation).toHaveLength(22);
    expect(data.validation[0]!.value).toMatchObject({ label: true, tools: expect.any(String) });
  });
});
