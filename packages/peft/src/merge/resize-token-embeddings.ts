import { tf } from '@medgpt/core-tensor';
import { CausalLM } from '@medgpt/models';
import { PeftError } from '../peft-error.js';

const EMBED = 'model.embed_tokens.weight';
const HEAD = 'lm_head.weight';

// Rows [0, n) of `w` [v, h]; new rows (n > v) are the mean of the old ones (transformers' mean_resizing
// samples around that mean; the adapter's modules_to_save, when it has them, replaces these rows anyway).
function resizeRows(w: tf.Tensor, n: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [v, h] = w.shape as [number, number];
    if (n <= v) return tf.slice(w, [0, 0], [n, h]) as tf.Tensor2D;
    const mean = tf.mean(w, 0, true);
    return tf.concat([w, tf.tile(mean, [n - v, 1])], 0) as tf.Tensor2D;
  });
}

/**
 * transformers' resize_token_embeddings(n): a model whose embedding (and untied LM head) has `n` rows;
 * config vocab_size follows. `model` is consumed: its other parameters (quantised ones too) move to the
 * returned model.
 */
export function resizeTokenEmbeddings(model: CausalLM, n: number): CausalLM {
  if (!Number.isInteger(n) || n <= 0) {
    throw new PeftError(model.config.className, 'vocab_size', `resize to ${n}: expected a positive integer`);
  }
  if (n === model.config.vocabSize) return model;
  const weights = new Map(model.weights);
  const names = model.config.tieWordEmbeddings ? [EMBED] : [EMBED, HEAD];
  for (const name of names) {
    const old = model.weight(name);
    weights.set(name, resizeRows(old, n));
    old.dispose();
  }
  const quantized = new Map(model.quantized);
  model.weights.clear();
  model.quantized.clear();
  model.linearHook = null;
  return new CausalLM({
    config: { ...model.config, vocabSize: n },
    weights,
    quantized,
    generationConfig: model.generationConfig,
    rawConfig: { ...model.rawConfig, vocab_size: n },
    rawGenerationConfig: model.rawGenerationConfig,
  });
}
