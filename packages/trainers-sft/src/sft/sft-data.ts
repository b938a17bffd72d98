import { packSequences, sftSamples, type LabeledSequence, type RecordIssue } from '@medgpt/data';
import { IGNORE_INDEX } from '@medgpt/templates';
import type { Tokenizer } from '@medgpt/tokenizer';
import { chatDataSetup, dataReportLines, loadStageRecords } from '@medgpt/trainer';
import type { SftOptions } from './sft-config.js';

/** SFT's rows, the tokenizer they were made with, and what was dropped or cut. */
export interface SftData {
  train: LabeledSequence[];
  eval: LabeledSequence[];
  /** The tokenizer after MedicalGPT's special-token fallbacks (eos, bos, pad). */
  tokenizer: Tokenizer;
  /** Lines for the log: fallbacks applied, rows read, skipped (by reason, with file:line) and cut. */
  notes: string[];
  dropped: RecordIssue[];
}

/**
 * supervised_finetuning.py's data: ShareGPT *.jsonl rows, MedicalGPT's seeded shuffle and split,
 * max_train_samples; its special-token fallbacks; each row rendered with --template_name (or the
 * tokenizer's chat template), prompts masked with -100 (unless --train_on_inputs), EOS after every
 * answer, cut to --model_max_length by MedicalGPT's rule. With --packing the rows are packed into
 * rows of model_max_length tokens (best-fit decreasing).
 */
export async function sftData(options: SftOptions, baseTokenizer: Tokenizer): Promise<SftData> {
  const { tokenizer, template, chatTemplate, notes } = chatDataSetup(options.template_name, baseTokenizer);
  const eos = tokenizer.eosTokenId!;
  const { train, validation, trainReport, validationReport } = await loadStageRecords('sft', options);
  const tokenize = (records: typeof train) =>
    sftSamples(records, {
      template,
      chatTemplate,
      toolFormat: options.tool_format,
      tokenizer: { eosTokenId: eos, encode: (text, o) => tokenizer.encode(text, o) },
      modelMaxLength: options.model_max_length,
      split: options.chat_template_split,
      trainOnInputs: options.train_on_inputs,
      ignoreIndex: options.ignore_pad_token_for_loss ? IGNORE_INDEX : (tokenizer.padTokenId ?? IGNORE_INDEX),
    });
  const trainSet = tokenize(train);
  const evalSet = tokenize(validation);
  const dropped = [...trainSet.dropped, ...evalSet.dropped];
  const pack = (rows: LabeledSequence[]) =>
    options.packing ? packSequences(rows, { maxLength: options.model_max_length }) : rows;
  const data = { train: pack(trainSet.samples), eval: pack(evalSet.samples) };
  const report = dataReportLines({
    stage: 'sft',
    strict: options.strict_data,
    unit: options.packing ? `packed rows (${trainSet.samples.length} samples)` : 'samples',
    trainRows: data.train.length,
    evalRows: data.eval.length,
    reports: [trainReport, validationReport],
    dropped,
    truncated:
      trainSet.truncatedRows > 0
        ? `${trainSet.truncatedRows} training rows lost turns to --model_max_length ${options.model_max_length}`
        : undefined,
  });
  return { ...data, tokenizer, notes: [...notes, ...report], dropped };
}
