// Packing without cross-contamination: a tiny attention LM (core-tensor's rope, attention with
// segmentIds, crossEntropy) gives a packed batch the same token losses as the unpacked samples.
import { attention, crossEntropy, expectNoLeak, rope, ropeFrequencies, tf } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRecords } from '../load-records.js';
import { qwen3Tokenizer } from '../test-support/qwen3-tokenizer.js';
import { sftSamples } from '../tokenize/sft-samples.js';
import { collatePacked } from './collate-packed.js';
import { collateSft } from './collate-sft.js';
import { packSequences } from './pack-sequences.js';
import type { LabeledSequence, TokenBatch } from './token-batch.js';

const VOCAB = 64;
const HEADS = 2;
const HEAD_DIM = 4;
const WIDTH = HEADS * HEAD_DIM;

interface TinyLm {
  embed: tf.Tensor2D;
  /** Absolute position embeddings (GPT-2 style): rope alone is relative, blind to where a segment starts. */
  positions: tf.Tensor2D;
  wq: tf.Tensor2D;
  wk: tf.Tensor2D;
  wv: tf.Tensor2D;
  wo: tf.Tensor2D;
  invFreq: Float32Array;
}

function tinyLm(): TinyLm {
  const w = (rows: number, cols: number, seed: number) =>
    tf.randomNormal([rows, cols], 0, 0.5, 'float32', seed) as tf.Tensor2D;
  const { invFreq } = ropeFrequencies({ headDim: HEAD_DIM, ropeTheta: 10000, maxPositionEmbeddings: 512 });
  return {
    embed: w(VOCAB, WIDTH, 1),
    positions: w(128, WIDTH, 6),
    wq: w(WIDTH, WIDTH, 2),
    wk: w(WIDTH, WIDTH, 3),
    wv: w(WIDTH, WIDTH, 4),
    wo: w(WIDTH, VOCAB, 5),
    invFreq: Float32Array.from(invFreq),
  };
}

interface ForwardOptions {
  /** Pass the batch's segment ids to attention (packed batches). */
  segments: boolean;
  /** Use the batch's position ids (else 0..T-1 per row, as if the row were one sequence). */
  positions: boolean;
}

/** Summed token loss and counted tokens of a batch, with HF's shift (logits at t predict labels at t+1). */
function batchLoss(lm: TinyLm, batch: TokenBatch, opts: ForwardOptions): { sum: number; count: number } {
  return tf.tidy(() => {
    const { batchSize: b, seqLength: t } = batch;
    const positions = opts.positions
      ? batch.positionIds
      : Int32Array.from({ length: b * t }, (_, i) => i % t);
    const x = tf.add(
      tf.gather(lm.embed, tf.tensor1d(batch.inputIds, 'int32')),
      tf.gather(lm.positions, tf.tensor1d(positions, 'int32')),
    );
    const [q, k] = rope(tf.matMul(x, lm.wq), tf.matMul(x, lm.wk), tf.tensor1d(positions, 'int32'), {
      headDim: HEAD_DIM,
      invFreq: lm.invFreq,
    });
    const mask = tf.tensor2d(batch.attentionMask, [b, t], 'int32');
    const segmentIds = opts.segments ? tf.tensor2d(batch.segmentIds!, [b, t], 'int32') : undefined;
    const h = attention(q, k, tf.matMul(x, lm.wv), { numHeads: HEADS, attentionMask: mask, segmentIds });
    const logits = tf.matMul(h, lm.wo);
    const shifted = Int32Array.from({ length: b * t }, (_, i) =>
      i % t === t - 1 ? -100 : batch.labels[i + 1]!,
    );
    const sum = crossEntropy(logits, tf.tensor1d(shifted, 'int32'), { reduction: 'sum' }).dataSync()[0]!;
    return { sum, count: shifted.filter((label) => label !== -100).length };
  });
}

describe.each(['cpu', 'wasm'])('packed SFT batch on %s', (backend) => {
  let samples: LabeledSequence[];
  beforeAll(async () => {
    await tf.setBackend(backend);
    // Real SFT rows through the real pipeline, ids folded into the tiny vocabulary.
    const { records } = await loadRecords(
      new URL('../../../../data/medicalgpt/sft/medical_sft_1K_format.jsonl', import.meta.url).pathname,
      { family: 'conversation' },
    );
    const { samples: sft } = sftSamples(records.slice(0, 7), {
      template: 'qwen',
      tokenizer: qwen3Tokenizer().tokenizer,
      modelMaxLength: 40,
    });
    samples = sft.map((s) => ({
      inputIds: s.inputIds.map((id) => id % VOCAB),
      labels: s.labels.map((label) => (label === -100 ? label : label % VOCAB)),
    }));
  });

  it('has the loss of the unpacked samples, and only with segment ids and restarted positions', () => {
    const lm = tinyLm();
    expectNoLeak(() => {
      const unpacked = batchLoss(lm, collateSft(samples, { padTokenId: 0 }), {
        segments: false,
        positions: true,
      });
      const alone = samples.map((s) =>
        batchLoss(lm, collateSft([s], { padTokenId: 0 }), { segments: false, positions: true }),
      );
      const packs = packSequences(samples, { maxLength: 96 });
      expect(packs.length).toBeLessThan(samples.length);
      const packedBatch = collatePacked(packs, { padTokenId: 0 });
      const packed = batchLoss(lm, packedBatch, { segments: true, positions: true });

      const aloneSum = alone.reduce((a, l) => a + l.sum, 0);
      const aloneCount = alone.reduce((a, l) => a + l.count, 0);
      expect(packed.count).toBe(aloneCount);
      expect(unpacked.count).toBe(aloneCount);
      // The packed mean loss is the token-weighted mean of the samples' losses (HF's batch loss).
      expect(packed.sum / packed.count).toBeCloseTo(aloneSum / aloneCount, 5);
      expect(packed.sum / packed.count).toBeCloseTo(unpacked.sum / unpacked.count, 5);

      // Either half of the isolation missing changes the loss: the test can tell.
      const leaky = batchLoss(lm, packedBatch, { segments: false, positions: true });
      const unrestarted = batchLoss(lm, packedBatch, { segments: true, positions: false });
      expect(Math.abs(leaky.sum - packed.sum)).toBeGreaterThan(1e-3);
      expect(Math.abs(unrestarted.sum - packed.sum)).toBeGreaterThan(1e-3);
    });
    for (const t of Object.values(lm)) if (t instanceof tf.Tensor) t.dispose();
  });
});
