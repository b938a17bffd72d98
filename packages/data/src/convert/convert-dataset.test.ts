import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../record-issue.js';
import { validateDataset } from '../validate-dataset.js';
import { convertDataset } from './convert-dataset.js';

const dir = mkdtempSync(join(tmpdir(), 'medgpt-convert-'));
const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);
const alpaca = [
  { instruction: '什么是发烧？', input: '', output: '体温升高。' },
  { instruction: 'Translate', input: 'fever', output: '发烧' },
];

describe('convertDataset', () => {
  it('alpaca JSON array -> ShareGPT JSONL that validates for SFT', async () => {
    const inFile = join(dir, 'alpaca.json');
    writeFileSync(inFile, JSON.stringify(alpaca, null, 2));
    const outFile = join(dir, 'alpaca.jsonl');
    const result = await convertDataset({ inFile, outFile, dataType: 'alpaca' });
    expect(result.written).toBe(2);
    expect(lines(outFile)).toEqual([
      {
        conversations: [
          { from: 'human', value: alpaca[0]!.instruction },
          { from: 'gpt', value: alpaca[0]!.output },
        ],
      },
      {
        conversations: [
          { from: 'human', value: `${alpaca[1]!.instruction}\n\n${alpaca[1]!.input}` },
          { from: 'gpt', value: alpaca[1]!.output },
        ],
      },
    ]);
    expect(readFileSync(outFile, 'utf8')).toContain('什么是发烧'); // force_ascii=False
    const check = await validateDataset(outFile, { stage: 'sft' });
    expect([check.valid, check.invalid]).toEqual([2, 0]);
  });

  it('json2jsonl copies every element unchanged', async () => {
    const inFile = join(dir, 'any.json');
    const rows = [{ a: 1, nested: { b: [1, 2] } }, { text: 'x' }];
    writeFileSync(inFile, JSON.stringify(rows));
    const outFile = join(dir, 'any.jsonl');
    await convertDataset({ inFile, outFile, dataType: 'json2jsonl' });
    expect(lines(outFile)).toEqual(rows);
  });

  it('csv (tab-separated, no header) with qa columns', async () => {
    const inFile = join(dir, 'qa.csv');
    writeFileSync(inFile, 'Q1\tA1\n"Q ""2"""\tA2\nonly-one-field\n');
    const outFile = join(dir, 'qa.jsonl');
    const result = await convertDataset({ inFile, outFile, dataType: 'qa', fileType: 'csv' });
    expect(lines(outFile)).toEqual([
      {
        conversations: [
          { from: 'human', value: 'Q1' },
          { from: 'gpt', value: 'A1' },
        ],
      },
      {
        conversations: [
          { from: 'human', value: 'Q "2"' },
          { from: 'gpt', value: 'A2' },
        ],
      },
    ]);
    expect(result.report.issues).toMatchObject([{ line: 3, code: 'wrong-type' }]);
  });

  it('skips and counts bad records by default; strict writes nothing and keeps the old output', async () => {
    const inFile = join(dir, 'mixed.jsonl');
    writeFileSync(
      inFile,
      [JSON.stringify(alpaca[0]), '{broken', JSON.stringify({ instruction: 'no output' })].join('\n'),
    );
    const outFile = join(dir, 'mixed-out.jsonl');
    const loose = await convertDataset({ inFile, outFile, dataType: 'alpaca' });
    expect([loose.written, loose.report.invalid]).toEqual([1, 2]);
    expect(loose.report.issues.map((i) => [i.line, i.code, i.field])).toEqual([
      [2, 'invalid-json', undefined],
      [3, 'missing-field', 'output'],
    ]);
    const before = readFileSync(outFile, 'utf8');
    await expect(
      convertDataset({ inFile, outFile, dataType: 'alpaca', strict: true }),
    ).rejects.toBeInstanceOf(DataError);
    expect(readFileSync(outFile, 'utf8')).toBe(before);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('does not create the output when the input is missing', async () => {
    const outFile = join(dir, 'never.jsonl');
    await expect(convertDataset({ inFile: join(dir, 'missing.json'), outFile })).rejects.toThrow(
      /missing.json/,
    );
    expect(existsSync(outFile)).toBe(false);
  });

  it('preference: TRL message lists and LLaMA-Factory answer turns -> conversations + string answers', async () => {
    const msg = (role: string, content: string) => ({ role, content });
    const inFile = join(dir, 'trl-pref.jsonl');
    const rows = [
      { prompt: [msg('user', 'Q')], chosen: [msg('assistant', 'c')], rejected: [msg('assistant', 'r')] },
      {
        chosen: [msg('user', 'Q'), msg('assistant', 'c')],
        rejected: [msg('user', 'Q'), msg('assistant', 'r')],
      },
      {
        conversations: [{ from: 'human', value: 'Q' }],
        chosen: { from: 'gpt', value: 'c' },
        rejected: { from: 'gpt', value: 'r' },
      },
      {
        chosen: [msg('user', 'Q'), msg('assistant', 'c')],
        rejected: [msg('user', 'P'), msg('assistant', 'r')],
      },
    ];
    writeFileSync(inFile, rows.map((r) => JSON.stringify(r)).join('\n'));
    const outFile = join(dir, 'pref-out.jsonl');
    const result = await convertDataset({ inFile, outFile, dataType: 'preference' });
    const expected = { conversations: [{ from: 'human', value: 'Q' }], chosen: 'c', rejected: 'r' };
    expect(lines(outFile)).toEqual([expected, expected, expected]);
    expect(result.report.formats).toEqual({
      'messages-preference': 1,
      'implicit-preference': 1,
      'sharegpt-preference': 1,
    });
    expect(result.report.issues.map((i) => [i.line, i.code, i.field])).toEqual([
      [4, 'empty-value', 'chosen[0]'],
    ]);
    const check = await validateDataset(outFile, { stage: 'dpo' });
    expect(check.formats).toEqual({ preference: 3 });
  });

  it('auto: unpaired layouts -> conversations + completion + label', async () => {
    const inFile = join(dir, 'kto.jsonl');
    const rows = [
      { prompt: 'Q', completion: 'A', label: true },
      {
        prompt: [{ role: 'user', content: 'Q' }],
        completion: [{ role: 'assistant', content: 'A' }],
        label: false,
      },
      {
        conversations: [
          { from: 'human', value: 'Q' },
          { from: 'gpt', value: 'A' },
        ],
        kto_tag: true,
      },
    ];
    writeFileSync(inFile, rows.map((r) => JSON.stringify(r)).join('\n'));
    const outFile = join(dir, 'kto-out.jsonl');
    await convertDataset({ inFile, outFile, dataType: 'auto' });
    const context = [{ from: 'human', value: 'Q' }];
    expect(lines(outFile)).toEqual([
      { conversations: context, completion: 'A', label: true },
      { conversations: context, completion: 'A', label: false },
      { conversations: context, completion: 'A', label: true },
    ]);
    const check = await validateDataset(outFile, { stage: 'kto' });
    expect([check.family, check.valid, check.formats]).toEqual(['unpaired', 3, { unpaired: 3 }]);
  });
});
