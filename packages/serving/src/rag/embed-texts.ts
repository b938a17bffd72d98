import { tf } from '@medgpt/core-tensor';
import type { CausalLM } from '@medgpt/models';
import type { Tokenizer } from '@medgpt/tokenizer';
import { ServingError } from '../serving-error.js';

export interface EmbedTextsOptions {
  /** Texts per forward pass. Default 16. */
  batchSize?: number;
  /** Tokens kept per text (the rest is cut, special tokens kept). Default 512. */
  maxLength?: number;
}

/**
 * Sentence embeddings from a causal LM: each text's final hidden states (after the last norm) averaged
 * over its tokens, then L2-normalised; float32 [hiddenSize] per text, in order. Texts are batched by
 * token length (less padding) and right-padded with the padding masked out of both attention and the
 * mean, so a text's vector does not depend on its batch. Every tensor is freed before returning.
 *
 * A decoder's states are not trained as sentence embeddings (text2vec's BERT is), so how well they rank
 * passages depends on the model; fusing them with BM25 (HybridRetriever) keeps exact-term matches.
 */
export async function embedTexts(
  model: CausalLM,
  tokenizer: Tokenizer,
  texts: readonly string[],
  { batchSize = 16, maxLength = 512 }: EmbedTextsOptions = {},
): Promise<Float32Array[]> {
  for (const [name, v] of [
    ['batchSize', batchSize],
    ['maxLength', maxLength],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new ServingError('invalid-option', `${name} must be a positive integer, got ${v}`, name);
  }
  const vocab = model.config.vocabSize;
  const rows =
    texts.length === 0 ? [] : tokenizer.encodeBatch(texts, { truncation: true, maxLength }).inputIds;
  rows.forEach((ids, i) => {
    if (ids.length === 0) throw new ServingError('invalid-option', `texts[${i}] has no tokens to embed`);
    const bad = ids.find((id) => id >= vocab);
    if (bad !== undefined)
      throw new ServingError(
        'invalid-option',
        `texts[${i}] has token id ${bad}, but the model has only ${vocab} embedding rows`,
      );
  });
  // Longest first, so each batch pads little; results go back to the texts' order.
  const order = rows.map((_, i) => i).sort((a, b) => rows[b]!.length - rows[a]!.length || a - b);
  const out = new Array<Float32Array>(texts.length);
  for (let start = 0; start < order.length; start += batchSize) {
    const batch = order.slice(start, start + batchSize);
    const pooled = meanPool(
      model,
      batch.map((i) => rows[i]!),
    );
    const data = await pooled.data<'float32'>();
    pooled.dispose();
    const h = model.config.hiddenSize;
    batch.forEach((i, b) => (out[i] = data.slice(b * h, (b + 1) * h)));
  }
  return out;
}

/** L2-normalised masked mean of the final hidden states of right-padded `rows`: float32 [rows, hidden]. */
function meanPool(model: CausalLM, rows: readonly number[][]): tf.Tensor2D {
  const t = Math.max(...rows.map((r) => r.length));
  const ids = new Int32Array(rows.length * t);
  const mask = new Int32Array(rows.length * t);
  rows.forEach((r, b) => {
    ids.set(r, b * t); // padding id 0: any valid id, since padding is masked
    mask.fill(1, b * t, b * t + r.length);
  });
  return tf.tidy(() => {
    const inputIds = tf.tensor2d(ids, [rows.length, t], 'int32');
    const attentionMask = tf.tensor2d(mask, [rows.length, t], 'int32');
    const hidden = model.hiddenStates({ inputIds, attentionMask });
    const states = tf.reshape(hidden, [rows.length, t, model.config.hiddenSize]);
    const weights = tf.expandDims(tf.cast(attentionMask, 'float32'), 2);
    const sum = tf.sum(tf.mul(states, weights), 1);
    const mean = tf.div(sum, tf.sum(weights, 1));
    // F.normalize's floor keeps a zero mean at zero instead of NaN.
    const norm = tf.maximum(tf.norm(mean, 'euclidean', 1, true), 1e-12);
    return tf.div(mean, norm) as tf.Tensor2D;
  });
}
