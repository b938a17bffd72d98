import { tf } from '@medgpt/core-tensor';
import type { CausalLM } from '../model/causal-lm.js';
import { ModelError } from '../model-error.js';

/** Options of `perplexity`. */
export interface PerplexityOptions {
  /** Tokens per window: the most context a prediction gets. */
  maxLength: number;
  /**
   * How far each window starts after the previous one (1 ... maxLength). Default maxLength: disjoint
   * windows, each window's first token predicted from nothing and so not counted. A smaller stride
   * gives every token after the first window at least maxLength - stride tokens of context.
   */
  stride?: number;
  /** Called after each window with its index (from 0) and the number of windows. */
  onWindow?: (index: number, windows: number) => void;
}

/** What `perplexity` measured. */
export interface PerplexityResult {
  /** exp(mean negative log-likelihood per scored token). */
  perplexity: number;
  /** Mean negative log-likelihood per scored token (nats). */
  meanNll: number;
  /** Tokens whose prediction was scored (each once). */
  tokens: number;
  /** Windows run. */
  windows: number;
  /** The token count of the text. */
  textTokens: number;
}

/** Start and end of each window, as HF's perplexity guide slides them. */
export function perplexityWindows(n: number, maxLength: number, stride: number): [number, number][] {
  const windows: [number, number][] = [];
  for (let begin = 0; begin < n; begin += stride) {
    const end = Math.min(begin + maxLength, n);
    windows.push([begin, end]);
    if (end === n) break;
  }
  return windows;
}

/**
 * Perplexity of `model` on one token sequence (a whole text, tokenised), the sliding-window way of
 * Hugging Face's "Perplexity of fixed-length models" guide: windows of `maxLength` tokens start every
 * `stride` tokens; in each window only the tokens not scored by an earlier window count (the overlap's
 * labels are masked), so every token is scored at most once, with as much context as the window gives.
 * Nothing is padded. Unlike the guide's `loss * (valid - 1)` weighting, the log-probabilities are summed
 * token by token, so the mean is exact: with stride < maxLength every token but the text's first is
 * scored (n - 1); with stride = maxLength the first token of each window has no context and is not.
 */
export function perplexity(
  model: CausalLM,
  ids: readonly number[],
  options: PerplexityOptions,
): PerplexityResult {
  const { maxLength } = options;
  const stride = options.stride ?? maxLength;
  const where = 'perplexity';
  if (!Number.isInteger(maxLength) || maxLength < 2) {
    throw new ModelError(where, 'max_length', `is ${maxLength}; expected an integer >= 2`);
  }
  if (!Number.isInteger(stride) || stride < 1 || stride > maxLength) {
    throw new ModelError(
      where,
      'stride',
      `is ${stride}; expected an integer from 1 to max_length (${maxLength}), so that no token is skipped`,
    );
  }
  if (ids.length < 2) {
    throw new ModelError(where, 'input_ids', `has ${ids.length} token(s); perplexity needs at least 2`);
  }
  const windows = perplexityWindows(ids.length, maxLength, stride);
  let nll = 0;
  let tokens = 0;
  let prevEnd = 0;
  for (const [i, [begin, end]] of windows.entries()) {
    const window = ids.slice(begin, end);
    // Labels of the tokens an earlier window scored are masked; the first label of a window is never
    // predicted (the loss shifts by one), which only matters when it is new (disjoint windows).
    const firstNew = prevEnd - begin > 0 ? prevEnd - begin : 0;
    const labels = window.map((id, t) => (t >= firstNew && t > 0 ? id : -100));
    tokens += labels.filter((l) => l !== -100).length;
    const sum = tf.tidy(() => {
      const inputIds = tf.tensor2d([window], [1, window.length], 'int32');
      const labelTensor = tf.tensor2d([labels], [1, window.length], 'int32');
      return tf.sum(model.tokenLogprobs({ inputIds }, labelTensor));
    });
    nll -= sum.dataSync()[0]!;
    sum.dispose();
    prevEnd = end;
    options.onWindow?.(i, windows.length);
  }
  const meanNll = nll / tokens;
  return { perplexity: Math.exp(meanNll), meanNll, tokens, windows: windows.length, textTokens: ids.length };
}
