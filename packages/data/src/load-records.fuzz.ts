// Fuzz target for loading a stage's JSONL file (loadRecords: read, check, convert, tally): files of
// generated records of the stage's families mixed with mutated ones. Every unmutated record of the
// file's family must load as its canonical form at its line; every loaded record must check as its
// family's canonical format; the counts must add up; a strict load returns or throws a DataError.
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  attemptAsync,
  expectResult,
  jsonEqual,
  mutated,
  mutatedJsonBytes,
  scratchPath,
  type FuzzTarget,
  type Mutated,
} from '../../../tools/fuzz/fuzz-kit.js';
import { RECORDS, type GeneratedRecord } from './formats/check-record.fuzz.js';
import {
  CANONICAL_FORMAT,
  checkRecord,
  DataError,
  FORMAT_FAMILY,
  loadRecords,
  STAGE_FAMILIES,
  type Stage,
} from './index.js';

interface StageFile {
  readonly stage: Stage;
  readonly lines: readonly Mutated<GeneratedRecord>[];
  readonly strict: boolean;
}

const STAGES_FUZZED: readonly Stage[] = ['pt', 'sft', 'rm', 'dpo', 'orpo', 'kto', 'grpo', 'ppo'];

const stageFile: fc.Arbitrary<StageFile> = fc
  .constantFrom(...STAGES_FUZZED)
  .chain((stage) =>
    fc.record({
      stage: fc.constant(stage),
      lines: fc.array(mutated(fc.oneof(...STAGE_FAMILIES[stage].map((f) => RECORDS[f]))), { maxLength: 6 }),
      strict: fc.boolean(),
    }),
  );

async function checkStageFile(input: StageFile): Promise<void> {
  const file = scratchPath('stage.jsonl');
  const texts = input.lines.map((l) => Buffer.from(mutatedJsonBytes(l)));
  writeFileSync(file, Buffer.concat(texts.flatMap((t) => [t, Buffer.from('\n')])));
  const run = await attemptAsync(
    () => loadRecords(file, { stage: input.stage, strict: input.strict }),
    (e) => input.strict && e instanceof DataError && e.issue.file === file && e.issue.line > 0,
  );
  if (!run.ok) return;
  const { records, report } = run.value;
  expectResult(
    report.valid + report.invalid === report.records && records.length === report.valid,
    () => `counts do not add up: ${report.records} records, ${report.valid} valid, ${report.invalid} invalid, ${records.length} loaded`,
  );
  const family = report.family;
  for (const r of records) {
    const check = checkRecord(r.value, r.source, { format: CANONICAL_FORMAT[family!] });
    expectResult(check.ok, () => `loaded record at line ${r.source.line} is not canonical: ${JSON.stringify(check.issues)}`);
  }
  // Line of each generated record (a byte edit may have added line breaks to an earlier one).
  let line = 1;
  for (const [i, l] of input.lines.entries()) {
    const at = line;
    line += texts[i]!.filter((b) => b === 0x0a).length + 1;
    if (l.kind !== 'valid' || FORMAT_FAMILY[l.value.format] !== family) continue;
    const loaded = records.find((r) => r.source.line === at);
    expectResult(
      loaded !== undefined && jsonEqual(loaded.value, l.value.canonical),
      () =>
        `${input.stage}: line ${at} (${l.value.format}) loaded as ${JSON.stringify(loaded?.value)}, expected ${JSON.stringify(l.value.canonical)}; issues ${JSON.stringify(report.issues).slice(0, 500)}`,
    );
  }
}

/** loadRecords on a JSONL file of a stage (pt, sft, rm, dpo, orpo, kto, grpo, ppo). */
export const loadStageTarget: FuzzTarget<StageFile> = {
  name: 'data/load-stage',
  arbitrary: stageFile,
  check: (input) => checkStageFile(input),
};
