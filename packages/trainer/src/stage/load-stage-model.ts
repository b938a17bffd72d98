import { loadModel, type CausalLM } from '@medgpt/models';
import { loadTokenizer, type Tokenizer } from '@medgpt/tokenizer';
import type { ModelOptions } from './model-options.js';

/** The model and tokenizer a stage trains. */
export interface StageModel {
  model: CausalLM;
  tokenizer: Tokenizer;
}

/** What a stage loads besides the options: a sequence-classification head (the reward model). */
export interface StageModelHead {
  /** A score head of this many labels (its weights come from the checkpoint, else a seeded init). */
  numLabels?: number;
  /** Seed of a new score head's init. */
  scoreSeed?: number;
}

/**
 * Loads --model_name_or_path (weights rounded to --torch_dtype) and its (or --tokenizer_name_or_path's)
 * tokenizer; with `head.numLabels`, as transformers' AutoModelForSequenceClassification does.
 */
export async function loadStageModel(options: ModelOptions, head: StageModelHead = {}): Promise<StageModel> {
  const tokenizer = await loadTokenizer(options.tokenizer_name_or_path ?? options.model_name_or_path);
  const model = await loadModel(options.model_name_or_path, {
    dtype: options.torch_dtype ?? 'auto',
    ...(head.numLabels === undefined ? {} : { numLabels: head.numLabels, scoreSeed: head.scoreSeed }),
  });
  return { model, tokenizer };
}

/** The id batches are padded with: pad, else eos, else 0 (padding never carries loss or attention). */
export function paddingId(tokenizer: Tokenizer): number {
  return tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0;
}
