import type { DatasetReport } from './dataset-tally.js';
import { formatIssue } from './record-issue.js';
import type { PreferenceConversation } from './formats/data-format.js';
import { loadRecords } from './load-records.js';
import { numpyPermutation } from './random/numpy-permutation.js';
import type { SourcedRecord } from './record-issue.js';
import type { ScanOptions } from './scan-records.js';
import { splitValidation, STAGE_SPLIT_RULE, type SplitRule } from './split-validation.js';
import type { Stage, StageRecord } from './stage.js';
import { unpairedRows } from './unpaired-rows.js';

/** MedicalGPT's data arguments, camel-cased. */
export interface StageDataOptions<S extends Stage> extends Omit<ScanOptions, 'stage' | 'family' | 'format'> {
  readonly stage: S;
  /** `--train_file_dir`: a directory (searched recursively) or a file. */
  readonly trainFileDir: string;
  /** `--validation_file_dir`; without it the validation rows come from the training files. */
  readonly validationFileDir?: string;
  /** `--validation_split_percentage` (default 1). */
  readonly validationSplitPercentage?: number;
  /**
   * `--max_train_samples`: keep this many training rows (<= 0 or absent: all). PT applies it to blocks;
   * KTO to the rows of its files (a paired row, unpaired afterwards, gives two).
   */
  readonly maxTrainSamples?: number;
  /** `--max_eval_samples`. */
  readonly maxEvalSamples?: number;
  /** Seed of the data shuffles; MedicalGPT hard-codes 42. */
  readonly seed?: number;
}

export interface StageDatasets<T> {
  readonly train: SourcedRecord<T>[];
  readonly validation: SourcedRecord<T>[];
  readonly trainReport: DatasetReport;
  readonly validationReport?: DatasetReport;
  /** Where the validation rows came from. */
  readonly split: SplitRule | 'directory';
}

/**
 * The train and validation rows of a stage, chosen and ordered as MedicalGPT's script for that stage
 * chooses them: its file globs, its validation split, its seeded shuffles and its max_*_samples.
 * Row order only matters where it decides which rows are kept (SFT and ORPO shuffle before
 * `max_train_samples`; GRPO before `train_samples`); the unseeded shuffles of RM and DPO, which do not,
 * are left to the trainer's sampler. SimPO, CPO and KTO take their rows as DPO does. KTO reads
 * unpaired rows or paired preference rows (the first record decides, `trainReport.family` says which);
 * paired rows are split and capped as pairs, then each side is unpaired (`unpairedRows`).
 */
export async function loadStageDatasets<S extends Stage>(
  options: StageDataOptions<S>,
): Promise<StageDatasets<StageRecord<S>>> {
  const { stage } = options;
  const seed = options.seed ?? 42;
  // The stage fixes the family (or, for KTO, the families the first record chooses from).
  const scan = { ...options, stage, family: undefined, format: undefined };
  const loaded = await loadRecords(options.trainFileDir, scan);
  if (loaded.records.length === 0) throw noUsableRecords(options.trainFileDir, stage, loaded.report);
  let rows = loaded.records as SourcedRecord<StageRecord<S>>[];
  if (stage === 'grpo') rows = takeFirst(shuffled(rows, seed), options.maxTrainSamples);

  let train: SourcedRecord<StageRecord<S>>[];
  let validation: SourcedRecord<StageRecord<S>>[];
  let validationReport: DatasetReport | undefined;
  const rule = STAGE_SPLIT_RULE[stage];
  if (options.validationFileDir) {
    const loadedValidation = await loadRecords(options.validationFileDir, scan);
    validationReport = loadedValidation.report;
    train = rows;
    validation = loadedValidation.records as SourcedRecord<StageRecord<S>>[];
  } else {
    const split = splitValidation(rows.length, { rule, percentage: options.validationSplitPercentage, seed });
    train = split.train.map((i) => rows[i]!);
    validation = split.validation.map((i) => rows[i]!);
  }
  if (stage === 'sft' || stage === 'orpo') train = shuffled(train, seed);
  if (stage !== 'pt' && stage !== 'grpo') train = takeFirst(train, options.maxTrainSamples);
  validation = takeFirst(
    validation,
    stage === 'ppo' ? Math.min(100, options.maxEvalSamples || 100) : options.maxEvalSamples,
  );
  if (stage === 'kto') {
    train = unpairIfPaired(train, loaded.report);
    validation = unpairIfPaired(validation, validationReport ?? loaded.report);
  }
  return {
    train,
    validation,
    trainReport: loaded.report,
    validationReport,
    split: options.validationFileDir ? 'directory' : rule,
  };
}

/** KTO rows read from paired preference files become two unpaired rows each, as TRL's KTOTrainer does. */
function unpairIfPaired<T>(rows: SourcedRecord<T>[], report: DatasetReport): SourcedRecord<T>[] {
  if (report.family !== 'preference') return rows;
  const pairs = rows as unknown as SourcedRecord<PreferenceConversation>[];
  return unpairedRows(pairs) as unknown as SourcedRecord<T>[];
}

/** `Dataset.shuffle(seed)`. */
function shuffled<T>(rows: readonly T[], seed: number): T[] {
  return numpyPermutation(rows.length, seed).map((i) => rows[i]!);
}

/** `select(range(min(len, n)))` when n > 0, as every MedicalGPT script guards it. */
function takeFirst<T>(rows: T[], n: number | undefined): T[] {
  return n !== undefined && n > 0 ? rows.slice(0, n) : rows;
}

/**
 * The error for training data without a single usable record: it says how many records were read and
 * why the first ones were refused, instead of failing later on an empty split.
 */
function noUsableRecords(path: string, stage: Stage, report: DatasetReport): Error {
  const first = report.issues.filter((i) => i.severity === 'error').slice(0, 3);
  const why = first.length > 0 ? `; the first: ${first.map(formatIssue).join('; ')}` : '';
  const read = report.records === 0 ? 'no records found' : `${report.records} records read, none usable for ${stage}`;
  return new Error(`${path}: ${read}${why} (medgpt validate ${path} --stage ${stage} lists them all)`);
}
