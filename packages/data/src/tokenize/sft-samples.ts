import {
  buildSftExample,
  type BuildSftExampleOptions,
  type ShareGptConversation,
  type SftTokenizer,
} from '@medgpt/templates';
import type { RecordIssue, RecordSource, SourcedRecord } from '../record-issue.js';

/** One tokenised SFT row (MedicalGPT's preprocess_function output) and where it came from. */
export interface SftSample {
  readonly inputIds: number[];
  /** -100 (or `ignoreIndex`) on prompt tokens unless `trainOnInputs`. */
  readonly labels: number[];
  readonly source: RecordSource;
  /** Turns that fit in `modelMaxLength`; the rest of the row was cut. */
  readonly turnsKept: number;
  readonly turns: number;
}

/** The samples, and every row that produced none, with why. */
export interface SftSampleSet {
  readonly samples: SftSample[];
  /** Rows MedicalGPT also drops: no answered question, or every label masked. */
  readonly dropped: RecordIssue[];
  /** Rows that kept fewer turns than they have because of `modelMaxLength`. */
  readonly truncatedRows: number;
}

export type SftSampleOptions = Omit<BuildSftExampleOptions, 'tokenizer'> & {
  readonly tokenizer: SftTokenizer;
};

/**
 * MedicalGPT's SFT preprocessing over records, through `@medgpt/templates`' `buildSftExample` (template
 * or chat template, prompt masking, EOS after every answer, proportional truncation to
 * `model_max_length`, stop at the first turn that does not fit, empty-label filter). Nothing is
 * dropped unreported.
 */
export function sftSamples(
  records: Iterable<SourcedRecord<ShareGptConversation>>,
  options: SftSampleOptions,
): SftSampleSet {
  const samples: SftSample[] = [];
  const dropped: RecordIssue[] = [];
  let truncatedRows = 0;
  for (const { value, source } of records) {
    let result: ReturnType<typeof buildSftExample>;
    try {
      result = buildSftExample(value, options);
    } catch (err) {
      dropped.push(issue(source, 'wrong-type', (err as Error).message));
      continue;
    }
    if (!result.ok) {
      dropped.push(
        result.reason === 'no-pairs'
          ? issue(source, 'no-answered-question', 'no question is followed by an answer')
          : issue(
              source,
              'no-trainable-labels',
              'every label is masked (the first answer does not fit in model_max_length)',
            ),
      );
      continue;
    }
    const { inputIds, labels, turnsKept } = result.example;
    if (turnsKept < result.turns.length) truncatedRows += 1;
    samples.push({ inputIds, labels, source, turnsKept, turns: result.turns.length });
  }
  return { samples, dropped, truncatedRows };
}

function issue(source: RecordSource, code: RecordIssue['code'], message: string): RecordIssue {
  return { ...source, severity: 'error', code, message: `${message}; the row is skipped` };
}
