import type { PreferenceConversation, UnpairedRecord } from '../formats/data-format.js';
import type { IssueCode, RecordIssue, RecordSource, SourcedRecord } from '../record-issue.js';
import { answerMaxLength } from './answer-length-filter.js';
import { dpoExample, type DpoExample, type DpoExampleOptions } from './dpo-example.js';
import { ktoExample, type KtoExample, type KtoExampleOptions } from './kto-example.js';
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
  const max = answerMaxLength(options);
  return collect(records, (row) => dpoExample(row, options), {
    'too-long': `prompt + answer longer than ${max} characters`,
  });
}

/** `rewardExample` over records (reward modelling). */
export function rewardSamples(
  records: Iterable<SourcedRecord<PreferenceConversation>>,
  options: RewardExampleOptions,
): PreferenceSampleSet<RewardExample> {
  const max = answerMaxLength(options);
  return collect(records, (row) => rewardExample(row, options), {
    'too-long': `a side longer than ${max} tokens`,
  });
}

/** `ktoExample` over unpaired records (KTO), reporting filtered rows as dpoSamples does. */
export function ktoSamples(
  records: Iterable<SourcedRecord<UnpairedRecord>>,
  options: KtoExampleOptions,
): PreferenceSampleSet<KtoExample> {
  const max = answerMaxLength(options);
  return collect(records, (row) => ktoExample(row, options), {
    'too-long': `prompt + completion longer than ${max} characters`,
    'prompt-too-long': `the prompt alone has ${max} tokens or more`,
    empty: 'an empty prompt and completion',
  });
}

type Reason = 'too-long' | 'empty' | 'prompt-too-long';
type Result<T> = { ok: true; example: T } | { ok: false; reason: Reason };

const CODE: Readonly<Record<Reason, IssueCode>> = {
  'too-long': 'too-long',
  'prompt-too-long': 'too-long',
  empty: 'empty-value',
};

function collect<R, T>(
  records: Iterable<SourcedRecord<R>>,
  build: (row: R) => Result<T>,
  messages: Partial<Record<Reason, string>>,
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
      const message = messages[result.reason] ?? 'an empty side';
      const why = result.reason === 'prompt-too-long' ? 'as TRL filters it' : 'as MedicalGPT filters it';
      dropped.push({
        ...source,
        severity: 'error',
        code: CODE[result.reason],
        message: `${message}; the row is skipped (${why})`,
      });
    }
  }
  return { samples, dropped };
}
