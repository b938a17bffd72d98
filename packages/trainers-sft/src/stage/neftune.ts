// NEFTune (Jain et al. 2023, "NEFTune: Noisy Embeddings Improve Instruction Finetuning",
// arXiv:2310.05914): during training, uniform noise is added to the input embeddings.
import { randomUniform, tf, type Generator } from '@medgpt/core-tensor';
import type { TokenBatch } from '@medgpt/data';

/**
 * How the noise magnitude is scaled.
 * - 'paper': alpha / sqrt(L * d), L the sequence length without padding (in a packed row, the
 *   sample's length) and d the hidden size: the paper's Algorithm 1. (transformers' Trainer uses the
 *   padded length, which makes the noise depend on the batch's longest row.)
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
  /** V, for the 'medicalgpt' scale. */
  vocabSize: number;
  /**
   * Per token of the embeddings: L, the unpadded length of the sequence (packed: sample) it is in;
   * 0 marks padding, which gets no noise (it is masked out anyway). See sequenceLengths.
   */
  lengths: ArrayLike<number>;
  generator: Generator;
}

type MagnitudeOptions = Pick<NeftuneOptions, 'alpha' | 'scale' | 'vocabSize'> & { seqLength: number };

/** The half-width of the uniform noise: alpha / sqrt(L * d) or alpha / sqrt(V * d), L = seqLength. */
export function neftuneMagnitude(options: MagnitudeOptions, hiddenSize: number): number {
  const n = options.scale === 'paper' ? options.seqLength : options.vocabSize;
  return options.alpha / Math.sqrt(n * hiddenSize);
}

/**
 * L for every token of `batch` (row-major [batchSize * seqLength]): the number of real tokens of its
 * row, or of its sample when the rows are packed (segment ids); 0 for padding.
 */
export function sequenceLengths(batch: TokenBatch): Int32Array {
  const { batchSize, seqLength, attentionMask } = batch;
  // Unpacked rows are one segment each: a real token's segment is 1, padding 0.
  const segments = batch.segmentIds ?? attentionMask;
  const lengths = new Int32Array(batchSize * seqLength);
  for (let row = 0; row < batchSize; row++) {
    const counts = new Map<number, number>();
    const at = (t: number) => row * seqLength + t;
    for (let t = 0; t < seqLength; t++) {
      if (attentionMask[at(t)]) counts.set(segments[at(t)]!, (counts.get(segments[at(t)]!) ?? 0) + 1);
    }
    for (let t = 0; t < seqLength; t++) {
      lengths[at(t)] = attentionMask[at(t)] ? counts.get(segments[at(t)]!)! : 0;
    }
  }
  return lengths;
}

/**
 * `embeddings` [tokens, hidden] plus Uniform(-1, 1) * m noise drawn from the trainer's generator (so a
 * resumed run draws the same noise), m per token from neftuneMagnitude with that token's L.
 */
export function addNeftuneNoise(embeddings: tf.Tensor2D, options: NeftuneOptions): tf.Tensor2D {
  if (options.alpha === 0) return embeddings;
  const [tokens, hidden] = embeddings.shape;
  if (options.lengths.length !== tokens) {
    throw new Error(`NEFTune: ${options.lengths.length} token lengths for ${tokens} embeddings`);
  }
  const m = Float32Array.from(options.lengths, (seqLength) =>
    seqLength === 0 ? 0 : neftuneMagnitude({ ...options, seqLength }, hidden),
  );
  return tf.tidy(() =>
    tf.add(
      embeddings,
      tf.mul(randomUniform([tokens, hidden], options.generator, -1, 1), tf.tensor2d(m, [tokens, 1])),
    ),
  );
}
