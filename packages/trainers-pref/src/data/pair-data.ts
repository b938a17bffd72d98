import { dpoSamples, type RecordIssue } from '@medgpt/data';
import type { Tokenizer } from '@medgpt/tokenizer';
import { dataReportLines, loadStageRecords } from '@medgpt/trainer';
import type { PreferenceDataOptions } from '../config/preference-data-options.js';
import { preferenceSetup } from './preference-setup.js';
import type { PairRow } from '../pairwise/pair-task.js';

/** A preference stage's pairs, the tokenizer they were made with, and what the log should say. */
export interface PairData {
  train: PairRow[];
  eval: PairRow[];
  tokenizer: Tokenizer;
  notes: string[];
}

/**
 * dpo_training.py's / orpo_training.py's data: preference rows in any accepted layout (MedicalGPT's
 * conversations + chosen/rejected, TRL's prompt/chosen/rejected ...), split and shuffled by the stage's
 * rule, the prompt rendered with --template_name (or the chat template, with the generation prompt),
 * MedicalGPT's character-length filter, and TRL's tokenisation (each answer with EOS). Every record or
 * row left out is reported with its file:line.
 */
export async function pairData(
  stage: 'dpo' | 'orpo' | 'cpo' | 'simpo',
  options: PreferenceDataOptions & { truncation_mode: 'keep_start' | 'keep_end' },
  baseTokenizer: Tokenizer,
): Promise<PairData> {
  const { tokenizer, sampleOptions, notes } = preferenceSetup(options, baseTokenizer);
  const { train, validation, trainReport, validationReport } = await loadStageRecords(stage, options);
  const tokenize = (records: typeof train) => dpoSamples(records, sampleOptions);
  const trainSet = withScoredAnswers(tokenize(train), options);
  const evalSet = withScoredAnswers(tokenize(validation), options);
  const notPrefix = [...trainSet.samples, ...evalSet.samples].filter((s) => !s.promptIsPrefix).length;
  const report = dataReportLines({
    stage,
    strict: options.strict_data,
    unit: 'pairs',
    trainRows: trainSet.samples.length,
    evalRows: evalSet.samples.length,
    reports: [trainReport, validationReport],
    dropped: [...trainSet.dropped, ...evalSet.dropped],
  });
  if (notPrefix > 0) {
    report.push(
      `  note: in ${notPrefix} pairs the prompt's tokens are not a prefix of prompt + answer (a token spans the seam); the answer is the tail after the prompt's length, as TRL takes it`,
    );
  }
  return { train: trainSet.samples, eval: evalSet.samples, tokenizer, notes: [...notes, ...report] };
}

/**
 * TRL drops the rows whose prompt alone fills max_length tokens: cut to max_length from the start,
 * they keep no answer token, so their log-probs would be empty (and ORPO's mean log-prob undefined).
 */
function withScoredAnswers<T extends { samples: PairRow[]; dropped: RecordIssue[] }>(
  set: T,
  options: PreferenceDataOptions & { truncation_mode: 'keep_start' | 'keep_end' },
): T {
  if (options.truncation_mode === 'keep_end') return set;
  const max = options.max_source_length + options.max_target_length;
  const kept: PairRow[] = [];
  const dropped = [...set.dropped];
  for (const row of set.samples) {
    if (row.promptIds.length < max) kept.push(row);
    else if (row.source) {
      dropped.push({
        ...row.source,
        severity: 'error',
        code: 'too-long',
        message: `the prompt alone is ${row.promptIds.length} tokens, at least max length ${max} (max_source_length + max_target_length); no answer token would be scored, so the row is skipped (as TRL drops it)`,
      });
    }
  }
  return { ...set, samples: kept, dropped };
}
