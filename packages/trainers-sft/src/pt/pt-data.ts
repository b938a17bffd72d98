import {
  loadStageDatasets,
  ptBlocks,
  ptPaddedExample,
  type DataTokenizer,
  type LabeledSequence,
  type SourcedRecord,
  type TextRecord,
} from '@medgpt/data';
import type { Tokenizer } from '@medgpt/tokenizer';
import { dataReportLines } from '@medgpt/trainer';
import type { PtOptions } from './pt-config.js';

/** PT's training and evaluation rows, and how they were made. */
export interface PtData {
  train: LabeledSequence[];
  eval: LabeledSequence[];
  /** The block size used: --block_size capped at the tokenizer's model_max_length. */
  blockSize: number;
  /** Text rows read (train, validation). */
  rows: { train: number; validation: number };
  /** Log lines: records read and skipped (with file:line), blocks made. */
  notes: string[];
}

/**
 * pretraining.py's data: *.txt lines and *.jsonl `text` fields, the first validation_split_percentage %
 * held out without --validation_file_dir, tokenised with the tokenizer's special tokens, then grouped
 * into blocks with EOS between documents (--packing true) or padded one row per text. Labels are the ids
 * (loss on every token). max_train_samples / max_eval_samples count blocks, as in pretraining.py.
 */
export async function ptData(options: PtOptions, tokenizer: Tokenizer, padTokenId: number): Promise<PtData> {
  const { train, validation, trainReport, validationReport } = await loadStageDatasets({
    stage: 'pt',
    trainFileDir: options.train_file_dir,
    validationFileDir: options.validation_file_dir ?? undefined,
    validationSplitPercentage: options.validation_split_percentage,
  });
  const eos = tokenizer.eosTokenId ?? tokenizer.padTokenId;
  if (eos === null) {
    throw new Error(
      `${options.model_name_or_path}: the tokenizer has neither an eos nor a pad token to separate documents`,
    );
  }
  const dataTokenizer: DataTokenizer = {
    eosTokenId: eos,
    encode: (text, o) => tokenizer.encode(text, o),
  };
  const blockSize = Math.min(options.block_size, tokenizer.modelMaxLength);
  const rows = async (
    records: SourcedRecord<TextRecord>[],
    max: number | null,
  ): Promise<LabeledSequence[]> => {
    const texts = options.keep_linebreaks ? records : records.map(withoutLinebreak);
    const out: LabeledSequence[] = [];
    if (options.packing) {
      for await (const block of ptBlocks(texts, dataTokenizer, { blockSize })) {
        out.push({ inputIds: block.inputIds, labels: block.inputIds });
        if (max !== null && out.length >= max) break;
      }
    } else {
      const maskPadLabels = options.mask_pad_labels;
      for (const { value } of texts.slice(0, max ?? undefined)) {
        const example = ptPaddedExample(value.text, dataTokenizer, { blockSize, padTokenId, maskPadLabels });
        const real = example.attentionMask.reduce((a, b) => a + b, 0);
        if (!maskPadLabels) {
          // MedicalGPT's row: block_size tokens, padding hidden from attention but scored as labels.
          if (real > 0) out.push(example);
          continue;
        }
        if (real < 2) continue; // nothing to predict in a row of one token
        out.push({ inputIds: example.inputIds.slice(0, real), labels: example.labels.slice(0, real) });
      }
    }
    return out;
  };
  const blocks = {
    train: await rows(train, options.max_train_samples),
    eval: await rows(validation, options.max_eval_samples),
  };
  const notes = dataReportLines({
    stage: 'pt',
    unit: options.packing ? `blocks of ${blockSize} tokens` : 'rows',
    trainRows: blocks.train.length,
    evalRows: blocks.eval.length,
    reports: [trainReport, validationReport],
    strict: options.strict_data,
  });
  return { ...blocks, blockSize, rows: { train: train.length, validation: validation.length }, notes };
}

/** datasets' text loader with keep_linebreaks=False: lines without their line break. */
function withoutLinebreak(record: SourcedRecord<TextRecord>): SourcedRecord<TextRecord> {
  return { ...record, value: { ...record.value, text: record.value.text.replace(/\r?\n$/, '') } };
}
