import { readFile } from 'node:fs/promises';
import { perplexity, type ModelDtype, type PerplexityResult } from '@medgpt/models';
import { loadTokenizer } from '@medgpt/tokenizer';
import { BnbError } from '../bnb/bnb-error.js';
import type { BnbQuantizationConfig } from '../bnb/bnb-quantization-config.js';
import { loadQuantizedModel } from './load-quantized-model.js';

/** The longest default window: the model's context, but no more than this many tokens. */
export const DEFAULT_PERPLEXITY_MAX_LENGTH = 1024;

/** Options of `evaluatePerplexity`. */
export interface EvaluatePerplexityOptions {
  /** A model directory: full precision, or bitsandbytes-quantised (dequantised as it loads). */
  model: string;
  /** The UTF-8 text file, tokenised whole. */
  filePath: string;
  /** Tokenizer directory (default: `model`). */
  tokenizer?: string;
  /** Window length; default the model's max_position_embeddings, at most 1024. */
  maxLength?: number;
  /** Window step, 1 ... maxLength; default half the window (HF's perplexity guide: 512 of 1024). */
  stride?: number;
  /** Weight precision as loaded (default 'auto': config.json's). */
  dtype?: ModelDtype | 'auto';
  /** Called after each window. */
  onWindow?: (index: number, windows: number) => void;
}

/** What `evaluatePerplexity` measured, with the settings it used. */
export interface EvaluatePerplexityResult extends PerplexityResult {
  maxLength: number;
  stride: number;
  /** The checkpoint's `quantization_config`, null when it is not quantised. */
  quantization: BnbQuantizationConfig | null;
}

/**
 * Perplexity of a model directory on a text file (MedicalGPT's eval_quantize.py, done as Hugging Face's
 * perplexity guide does): the whole text is tokenised (with the tokenizer's special tokens, as
 * `tokenizer(text)`), windows of `maxLength` tokens slide by `stride`, each token is scored once and
 * nothing is padded (see @medgpt/models' `perplexity`). Works on a normal and a bitsandbytes checkpoint,
 * so the two can be compared. Every tensor is freed before it returns.
 */
export async function evaluatePerplexity(
  options: EvaluatePerplexityOptions,
): Promise<EvaluatePerplexityResult> {
  let text: string;
  try {
    text = await readFile(options.filePath, 'utf8');
  } catch (e) {
    throw new BnbError(options.filePath, undefined, `cannot read the text file: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (text.trim() === '') throw new BnbError(options.filePath, undefined, 'is empty; expected text to score');
  const tokenizer = await loadTokenizer(options.tokenizer ?? options.model);
  const ids = tokenizer.encode(text);
  if (ids.length < 2) {
    throw new BnbError(
      options.filePath,
      undefined,
      `tokenises to ${ids.length} token(s); perplexity needs at least 2`,
    );
  }
  const { model, quantization } = await loadQuantizedModel(options.model, { dtype: options.dtype });
  try {
    const maxLength =
      options.maxLength ?? Math.min(model.config.maxPositionEmbeddings, DEFAULT_PERPLEXITY_MAX_LENGTH);
    if (maxLength > model.config.maxPositionEmbeddings) {
      throw new BnbError(
        options.model,
        undefined,
        `max_length ${maxLength} is longer than the model's context (max_position_embeddings ${model.config.maxPositionEmbeddings})`,
      );
    }
    const stride = options.stride ?? Math.max(1, Math.floor(maxLength / 2));
    const result = perplexity(model, ids, { maxLength, stride, onWindow: options.onWindow });
    return { ...result, maxLength, stride, quantization };
  } finally {
    model.dispose();
  }
}
