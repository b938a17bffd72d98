import {
  loadStageDatasets,
  packSequences,
  sftSamples,
  type LabeledSequence,
  type RecordIssue,
} from '@medgpt/data';
import {
  chatTemplateFromConfig,
  getConversationTemplate,
  IGNORE_INDEX,
  type TokenizerConfig,
} from '@medgpt/templates';
import { applySpecialTokenFallbacks, type Tokenizer } from '@medgpt/tokenizer';
import type { SftOptions } from './sft-config.js';

/** SFT's rows, the tokenizer they were made with, and what was dropped or cut. */
export interface SftData {
  train: LabeledSequence[];
  eval: LabeledSequence[];
  /** The tokenizer after MedicalGPT's special-token fallbacks (eos, bos, pad). */
  tokenizer: Tokenizer;
  /** Lines for the log: fallbacks applied, rows dropped and cut. */
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
  const template = options.template_name ? getConversationTemplate(options.template_name) : null;
  const { tokenizer, applied } = applySpecialTokenFallbacks(baseTokenizer, { stopStr: template?.stopStr });
  const notes = applied.map((a) => `tokenizer: ${a.reason} (${a.role} = ${JSON.stringify(a.content)})`);
  const eos = tokenizer.eosTokenId!;
  const chatTemplate = template
    ? null
    : chatTemplateFromConfig({
        ...(tokenizer.tokenizerConfig as TokenizerConfig),
        chat_template: tokenizer.chatTemplate,
      });
  const { train, validation } = await loadStageDatasets({
    stage: 'sft',
    trainFileDir: options.train_file_dir,
    validationFileDir: options.validation_file_dir ?? undefined,
    validationSplitPercentage: options.validation_split_percentage,
    maxTrainSamples: options.max_train_samples ?? undefined,
    maxEvalSamples: options.max_eval_samples ?? undefined,
  });
  const tokenize = (records: typeof train) =>
    sftSamples(records, {
      template,
      chatTemplate,
      toolFormat: options.tool_format,
      tokenizer: { eosTokenId: eos, encode: (text, o) => tokenizer.encode(text, o) },
      modelMaxLength: options.model_max_length,
      trainOnInputs: options.train_on_inputs,
      ignoreIndex: options.ignore_pad_token_for_loss ? IGNORE_INDEX : (tokenizer.padTokenId ?? IGNORE_INDEX),
    });
  const trainSet = tokenize(train);
  const evalSet = tokenize(validation);
  const dropped = [...trainSet.dropped, ...evalSet.dropped];
  if (dropped.length > 0)
    notes.push(`data: ${dropped.length} row(s) dropped (no answered question, or no trainable label)`);
  if (trainSet.truncatedRows > 0)
    notes.push(
      `data: ${trainSet.truncatedRows} training row(s) lost turns to --model_max_length ${options.model_max_length}`,
    );
  const pack = (rows: LabeledSequence[]) =>
    options.packing ? packSequences(rows, { maxLength: options.model_max_length }) : rows;
  return { train: pack(trainSet.samples), eval: pack(evalSet.samples), tokenizer, notes, dropped };
}
