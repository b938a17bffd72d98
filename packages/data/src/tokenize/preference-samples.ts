import type { PreferenceConversation } from '../formats/data-format.js';
import type { RecordIssue, RecordSource, SourcedRecord } from '../record-issue.js';
import { dpoExample, type DpoExample, type DpoExampleOptions } from './dpo-example.js';
import { rewardExample, type RewardExample, type RewardExampleOptions } from './reward-example.js';

/** Tokenised preference rows with their provenance, and every row left out, with why. */
export interface PreferenceSampleSet<T> {
  readonly samples: (T & { readonly source: RecordSource })[];
  readonly dropped: RecordIssue[];
}

/** `dpoExample` over records (DPO and ORPO): rows MedicalGPT's filters remove are reported, not lost. */
export function dpoSamples(
  records: Iterable<SourcedRecord<PreferenceConversation>>,
  options: DpoExampleOptions,
): PreferenceSampleSet<DpoExample> {
  const max = (options.maxSourceLength ?? 2048) + (options.maxTargetLength ?? 512);
  return collect(records, (row) => dpoExample(row, options), `prompt + answer longer than ${max} characters`);
}

/** `rewardExample` over records (reward modelling). */
export function rewardSamples(
  records: Iterable<SourcedRecord<PreferenceConversation>>,
  options: RewardExampleOptions,
): PreferenceSampleSet<RewardExample> {
  const max = (options.maxSourceLength ?? 2048) + (options.maxTargetLength ?? 512);
  return collect(records, (row) => rewardExample(row, options), `a side longer than ${max} tokens`);
}

type Result<T> = { ok: true; example: T } | { ok: false; reason: 'too-long' | 'empty' };

function collect<T>(
  records: Iterable<SourcedRecord<PreferenceConversation>>,
  build: (row: PreferenceConversation) => Result<T>,
  tooLong: string,
): PreferenceSampleSet<T> {
  const samples: (T & { source: RecordSource })[] = [];
  const dropped: RecordIssue[] = [];
  for (const { value, source } of records) {
    let result: Result<T>;
    try {
      result = build(value);
    } catch (err) {
      dropped.push({
        ...source,
        severity: 'error',
        code: 'wrong-type',
        message: `${(err as Error).message}; the row is skipped`,
      });
      continue;
    }
    if (result.ok) samples.push({ ...result.example, source });
    else {
      const message = result.reason === 'too-long' ? tooLong : 'an empty side';
      dropped.push({
        ...source,
        severity: 'error',
        code: result.reason === 'too-long' ? 'too-long' : 'empty-value',
        message: `${message}; the row is skipped (as MedicalGPT filters it)`,
      });
    }
  }
  return { samples, dropped };
}
