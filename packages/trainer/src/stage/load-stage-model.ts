import { loadModel, type CausalLM } from '@medgpt/models';
import { loadTokenizer, type Tokenizer } from '@medgpt/tokenizer';
import type { ModelOptions } from '../config/model-options.js';

/** The model and tokenizer a stage trains. */
export interface StageModel {
  model: CausalLM;
  tokenizer: Tokenizer;
}

/** Loads --model_name_or_path (weights rounded to --torch_dtype) and its (or --tokenizer_name_or_path's) tokenizer. */
export async function loadStageModel(options: ModelOptions): Promise<StageModel> {
  const tokenizer = await loadTokenizer(options.tokenizer_name_or_path ?? options.model_name_or_path);
  const model = await loadModel(options.model_name_or_path, { dtype: options.torch_dtype ?? 'auto' });
  return { model, tokenizer };
}

/** The id batches are padded with: pad, else eos, else 0 (padding never carries loss or attention). */
export function paddingId(tokenizer: Tokenizer): number {
  return tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0;
}
