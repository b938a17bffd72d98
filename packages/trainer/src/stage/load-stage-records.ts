import {
  loadStageDatasets,
  type DataTokenizer,
  type Stage,
  type StageDatasets,
  type StageRecord,
} from '@medgpt/data';
import type { Tokenizer } from '@medgpt/tokenizer';
import type { DataFileOptions } from './resolve-stage-config.js';

/**
 * A stage's train and validation records from MedicalGPT's data flags (--train_file_dir,
 * --validation_file_dir, --validation_split_percentage, --max_*_samples), chosen as the stage's script
 * chooses them, with the readers' reports of what they skipped.
 */
export function loadStageRecords<S extends Stage>(
  stage: S,
  options: DataFileOptions & { validation_split_percentage: number },
): Promise<StageDatasets<StageRecord<S>>> {
  return loadStageDatasets({
    stage,
    trainFileDir: options.train_file_dir,
    validationFileDir: options.validation_file_dir ?? undefined,
    validationSplitPercentage: options.validation_split_percentage,
    maxTrainSamples: options.max_train_samples ?? undefined,
    maxEvalSamples: options.max_eval_samples ?? undefined,
  });
}

/** What @medgpt/data's tokenising functions need of a tokenizer (eos text and id, encode). */
export function dataTokenizer(tokenizer: Tokenizer): DataTokenizer {
  return {
    eosToken: tokenizer.eosToken ?? undefined,
    eosTokenId: tokenizer.eosTokenId!,
    encode: (text, o) => tokenizer.encode(text, o),
  };
}
