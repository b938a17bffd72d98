import { resolveModelDir } from '@medgpt/hub';
import type { CausalLM } from '@medgpt/models';
import { loadTokenizer, type Tokenizer } from '@medgpt/tokenizer';
import { loadTrainingModel } from './load-training-model.js';
import type { ModelOptions } from './model-options.js';
import type { StageHubOptions } from './stage-hub-options.js';

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
 * Loads --model_name_or_path (weights rounded to --torch_dtype; decoder linears quantised with
 * --load_in_4bit / --load_in_8bit, see kbitOptions) and its (or --tokenizer_name_or_path's)
 * tokenizer; with `head.numLabels`, as transformers' AutoModelForSequenceClassification does. Each
 * is a local directory or a Hub id, found in the Hugging Face cache or downloaded into it (`hub`).
 */
export async function loadStageModel(
  options: ModelOptions,
  head: StageModelHead = {},
  hub: StageHubOptions = {},
): Promise<StageModel> {
  // The model first: its download brings the tokenizer files of the same repo along.
  const modelDir = await resolveModelDir(options.model_name_or_path, {
    ...hub,
    kind: 'model',
    option: 'model_name_or_path',
  });
  const tokenizerDir = await resolveModelDir(options.tokenizer_name_or_path ?? options.model_name_or_path, {
    ...hub,
    kind: 'tokenizer',
    option: options.tokenizer_name_or_path === null ? 'model_name_or_path' : 'tokenizer_name_or_path',
  });
  const tokenizer = await loadTokenizer(tokenizerDir);
  const model = await loadTrainingModel(modelDir, options, {
    ...(head.numLabels === undefined ? {} : { numLabels: head.numLabels, scoreSeed: head.scoreSeed }),
  });
  return { model, tokenizer };
}

/** The id batches are padded with: pad, else eos, else 0 (padding never carries loss or attention). */
export function paddingId(tokenizer: Tokenizer): number {
  return tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0;
}
