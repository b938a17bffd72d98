// @medgpt/data: MedicalGPT's data formats, read with provenance, validated, converted, tokenised
// per stage, batched and packed.

// Records, provenance and issues
export {
  DataError,
  formatIssue,
  type IssueCode,
  type IssueSeverity,
  type RecordIssue,
  type RecordSource,
  type SourcedRecord,
} from './record-issue.js';

// Reading files and directories (streamed)
export {
  DEFAULT_MAX_LINE_BYTES,
  readLines,
  type LineEvent,
  type ReadLinesOptions,
} from './read/read-lines.js';
export { readJsonArray, type JsonArrayEvent, type ReadJsonArrayOptions } from './read/read-json-array.js';
export { DATA_FILE_EXTENSIONS, listDataFiles, type DataFileList } from './read/list-data-files.js';
export {
  readRecords,
  type FileLayout,
  type ReadEvent,
  type ReadRecordsOptions,
} from './read/read-records.js';

// Formats (reference §4)
export {
  CANONICAL_FORMAT,
  DATA_FORMATS,
  describeFormat,
  FORMAT_FAMILY,
  FORMAT_FIELDS,
  isDataFormat,
  type DataFamily,
  type DataFormat,
  type FamilyRecord,
  type GrpoRecord,
  type PreferenceConversation,
  type TextRecord,
  type UnpairedRecord,
} from './formats/data-format.js';
export { detectFormat, isRecordObject } from './formats/detect-format.js';
export { checkRecord, type RecordCheck, type RecordExpectation } from './formats/check-record.js';
export { ASSISTANT_ROLES, USER_ROLES } from './formats/validate-conversation.js';
export { canonicalFormatOf, toCanonical, type CanonicalRecord } from './formats/to-canonical.js';

// Stages, validation, loading and splitting
export {
  isStage,
  STAGE_EXTENSIONS,
  STAGE_FAMILIES,
  STAGE_FAMILY,
  STAGES,
  type Stage,
  type StageFamilyMap,
  type StageRecord,
} from './stage.js';
export {
  countIssues,
  emptyReport,
  noteIssue,
  type DatasetReport,
  type FileTally,
  type NoteIssueOptions,
} from './dataset-tally.js';
export { scanRecords, type CheckedRecord, type ScanOptions } from './scan-records.js';
export { validateDataset } from './validate-dataset.js';
export { formatDatasetReport } from './format-dataset-report.js';
export { loadRecords, type LoadedRecords } from './load-records.js';
export {
  splitValidation,
  STAGE_SPLIT_RULE,
  trainTestSplit,
  type SplitIndices,
  type SplitOptions,
  type SplitRule,
} from './split-validation.js';
export { loadStageDatasets, type StageDataOptions, type StageDatasets } from './load-stage-datasets.js';
export { unpairedRows, type UnpairedRowsOptions } from './unpaired-rows.js';
export { pythonRound } from './python-round.js';

// Conversion (tools/convert_dataset.py)
export {
  convertDataset,
  CONVERT_DATA_TYPES,
  type ConvertDataType,
  type ConvertOptions,
  type ConvertResult,
} from './convert/convert-dataset.js';
export { AtomicJsonlWriter } from './convert/atomic-jsonl-writer.js';

// Seeded randomness, NumPy-compatible
export { Pcg64, type Pcg64State } from './random/pcg64.js';
export { numpyPermutation } from './random/numpy-permutation.js';

// Tokenisation per stage
export type { DataTokenizer } from './tokenize/data-tokenizer.js';
export { groupTexts, type GroupTextsOptions } from './tokenize/group-texts.js';
export { ptBlocks, type PtBlock, type PtBlockOptions } from './tokenize/pt-blocks.js';
export { ptPaddedExample, type PtPaddedExample, type PtPaddedOptions } from './tokenize/pt-padded-example.js';
export {
  sftSamples,
  type SftSample,
  type SftSampleOptions,
  type SftSampleSet,
} from './tokenize/sft-samples.js';
export {
  pairWithOpenQuestion,
  preferenceContext,
  type ContextMessage,
  type PreferenceContext,
  type PreferenceContextOptions,
} from './tokenize/preference-context.js';
export type { PreferenceFormatOptions } from './tokenize/preference-format.js';
export { answerMaxLength, type AnswerLengthOptions } from './tokenize/answer-length-filter.js';
export {
  dpoExample,
  dpoPrompt,
  type DpoExample,
  type DpoExampleOptions,
  type DpoExampleResult,
} from './tokenize/dpo-example.js';
export {
  rewardExample,
  type RewardExample,
  type RewardExampleOptions,
  type RewardExampleResult,
} from './tokenize/reward-example.js';
export {
  ktoExample,
  type KtoExample,
  type KtoExampleOptions,
  type KtoExampleResult,
} from './tokenize/kto-example.js';
export {
  dpoSamples,
  ktoSamples,
  rewardSamples,
  type PreferenceSampleSet,
} from './tokenize/preference-samples.js';
export { GRPO_SYSTEM_PROMPT, grpoPrompt, type GrpoPrompt } from './tokenize/grpo-prompt.js';

// Batching, packing, iteration
export {
  paddedLength,
  type LabeledSequence,
  type PaddingSide,
  type TokenBatch,
} from './batch/token-batch.js';
export { collateSft, type CollateOptions } from './batch/collate-sft.js';
export {
  collatePreference,
  type CollatePreferenceOptions,
  type PreferenceBatch,
  type PreferenceIds,
} from './batch/collate-preference.js';
export {
  collateUnpaired,
  type CollateUnpairedOptions,
  type UnpairedBatch,
  type UnpairedIds,
} from './batch/collate-unpaired.js';
export { packSequences, type PackedSequence, type PackOptions } from './batch/pack-sequences.js';
export { collatePacked, packedCausalMask, type CollatePackedOptions } from './batch/collate-packed.js';
export { lengthGroupedOrder } from './batch/length-grouped-order.js';
export {
  ResumableBatchIterator,
  type BatchIteratorOptions,
  type BatchIteratorState,
  type IndexedBatch,
} from './batch/resumable-batch-iterator.js';
