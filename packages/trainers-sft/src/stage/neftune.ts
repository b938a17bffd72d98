// NEFTune (Jain et al. 2023, "NEFTune: Noisy Embeddings Improve Instruction Finetuning",
// arXiv:2310.05914): during training, uniform noise is added to the input embeddings.
import { randomUniform, tf, type Generator } from '@medgpt/core-tensor';

/**
 * How the noise magnitude is scaled.
 * - 'paper': alpha / sqrt(L * d), L the (padded) sequence length and d the hidden size: the paper's
 *   Algorithm 1, and what transformers' Trainer (neftune_noise_alpha) does.
 * - 'medicalgpt': alpha / sqrt(V * d), V the vocabulary size: MedicalGPT's supervised_finetuning.py
 *   patches the embedding with this scale (reference §2.9). With V in the 10^5 range and L in the
 *   10^2-10^3 range this noise is 10-30x smaller than the paper's. MedicalGPT also adds it in
 *   evaluation; here noise is only ever added in training steps.
 */
export type NeftuneScale = 'paper' | 'medicalgpt';
export const NEFTUNE_SCALES: readonly NeftuneScale[] = ['paper', 'medicalgpt'];

export interface NeftuneOptions {
  /** The noise's alpha (`--neft_alpha`); 0 adds nothing. */
  alpha: number;
  scale: NeftuneScale;
  /** L: tokens per row of the batch (padded length). */
  seqLength: number;
  /** V, for the 'medicalgpt' scale. */
  vocabSize: number;
  generator: Generator;
}

/** The half-width of the uniform noise: alpha / sqrt(L * d) or alpha / sqrt(V * d). */
export function neftuneMagnitude(options: Omit<NeftuneOptions, 'generator'>, hiddenSize: number): number {
  const n = options.scale === 'paper' ? options.seqLength : options.vocabSize;
  return options.alpha / Math.sqrt(n * hiddenSize);
}

/**
 * `embeddings` [tokens, hidden] plus Uniform(-m, m) noise drawn from the trainer's generator (so a
 * resumed run draws the same noise), m from neftuneMagnitude.
 */
export function addNeftuneNoise(embeddings: tf.Tensor2D, options: NeftuneOptions): tf.Tensor2D {
  if (options.alpha === 0) return embeddings;
  const m = neftuneMagnitude(options, embeddings.shape[1]);
  return tf.tidy(() => tf.add(embeddings, randomUniform(embeddings.shape, options.generator, -m, m)));
}
