// Fuzz target for `medgpt convert` (convertDataset): JSON arrays, JSON lines and tab-separated files of
// generated records and mutations of them, converted with every --data_type. A run without --strict
// never throws on content; it writes one JSON line per usable record (for the canonical types each a
// canonical record, for unmutated records the expected one) and counts the rest.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  attemptAsync,
  expectResult,
  jsonEqual,
  jsonText,
  mutated,
  mutatedJsonBytes,
  scratchPath,
  type FuzzTarget,
  type Mutated,
} from '../../../../tools/fuzz/fuzz-kit.js';
import { RECORDS, type GeneratedRecord } from '../formats/check-record.fuzz.js';
import {
  CANONICAL_FORMAT,
  checkRecord,
  CONVERT_DATA_TYPES,
  convertDataset,
  DataError,
  FORMAT_FAMILY,
  type ConvertDataType,
} from '../index.js';

interface ConvertInput {
  readonly dataType: ConvertDataType;
  readonly layout: 'jsonl' | 'json-array' | 'csv';
  readonly records: readonly Mutated<GeneratedRecord>[];
  readonly strict: boolean;
}

const anyRecord = fc.oneof(RECORDS.conversation, RECORDS.preference, RECORDS.unpaired, RECORDS.grpo);

const convertInput: fc.Arbitrary<ConvertInput> = fc.record({
  dataType: fc.constantFrom(...CONVERT_DATA_TYPES),
  layout: fc.constantFrom('jsonl' as const, 'json-array' as const, 'csv' as const),
  records: fc.array(mutated(anyRecord), { maxLength: 5 }),
  strict: fc.boolean(),
});

// The TSV columns convert reads (no header): qa is input/output, the rest instruction/input/output.
function tsvRow(r: GeneratedRecord, dataType: ConvertDataType): string {
  const cols = dataType === 'qa' ? ['input', 'output'] : ['instruction', 'input', 'output'];
  return cols.map((c) => String(r.json[c] ?? '')).join('\t');
}

function inputBytes(input: ConvertInput): Buffer {
  if (input.layout === 'csv') {
    return Buffer.from(input.records.map((r) => `${tsvRow(r.value, input.dataType)}\n`).join(''));
  }
  const parts = input.records.map((r) => Buffer.from(mutatedJsonBytes(r)));
  if (input.layout === 'jsonl') return Buffer.concat(parts.flatMap((p) => [p, Buffer.from('\n')]));
  const joined = parts.flatMap((p, i) => (i === 0 ? [p] : [Buffer.from(',\n'), p]));
  return Buffer.concat([Buffer.from('[\n'), ...joined, Buffer.from('\n]\n')]);
}

// Which unmutated records `auto` (the first record's family) and the family types write, as their
// canonical form. alpaca and qa read their columns from any record that has them: no such rule.
const EXPECTATION: Partial<Record<ConvertDataType, (r: GeneratedRecord, first: GeneratedRecord) => boolean>> = {
  auto: (r, first) => FORMAT_FAMILY[r.format] === FORMAT_FAMILY[first.format],
  sharegpt: (r) => FORMAT_FAMILY[r.format] === 'conversation',
  preference: (r) => FORMAT_FAMILY[r.format] === 'preference',
};

async function checkConvert(input: ConvertInput): Promise<void> {
  const inFile = scratchPath(input.layout === 'csv' ? 'in.csv' : input.layout === 'jsonl' ? 'in.jsonl' : 'in.json');
  const outFile = scratchPath('out.jsonl');
  writeFileSync(inFile, inputBytes(input));
  rmSync(outFile, { force: true });
  const fileType = input.layout === 'csv' ? 'csv' : input.layout === 'jsonl' ? 'jsonl' : 'json';
  const run = await attemptAsync(
    () => convertDataset({ inFile, outFile, dataType: input.dataType, fileType, strict: input.strict }),
    (e) => input.strict && e instanceof DataError && e.issue.file === inFile,
  );
  if (!run.ok) return;
  const text = readFileSync(outFile, 'utf8');
  const lines = text === '' ? [] : text.slice(0, -1).split('\n');
  expectResult(
    text === '' || text.endsWith('\n'),
    () => `output does not end with a newline: ${JSON.stringify(text.slice(-50))}`,
  );
  expectResult(
    lines.length === run.value.written && run.value.written === run.value.report.valid,
    () => `${lines.length} lines written, reported ${run.value.written} written / ${run.value.report.valid} valid`,
  );
  const values = lines.map((l) => JSON.parse(l) as unknown);
  if (input.dataType !== 'json2jsonl') {
    for (const v of values) {
      const family = [CANONICAL_FORMAT.conversation, CANONICAL_FORMAT.preference, CANONICAL_FORMAT.unpaired, 'grpo'] as const;
      const ok = family.some((format) => checkRecord(v, { file: outFile, line: 1 }, { format }).ok);
      expectResult(ok, () => `wrote a record no canonical format accepts: ${jsonText(v).slice(0, 300)}`);
    }
  }
  const accepts = EXPECTATION[input.dataType];
  if (accepts && input.layout !== 'csv' && input.records.every((r) => r.kind === 'valid')) {
    const all = input.records.map((r) => r.value);
    const expected = all.filter((r) => accepts(r, all[0]!)).map((r) => r.canonical);
    expectResult(
      jsonEqual(values, expected),
      () => `${input.dataType}: wrote ${JSON.stringify(values).slice(0, 400)}, expected ${JSON.stringify(expected).slice(0, 400)}`,
    );
  }
}

/** convertDataset with every --data_type and --file_type. */
export const convertTarget: FuzzTarget<ConvertInput> = {
  name: 'data/convert',
  arbitrary: convertInput,
  check: (input) => checkConvert(input),
};
