// A tiny causal LM (embedding -> LM head, HF's label shift) as a TrainingTask, for the loop's tests:
// real gradients and a real loss on token rows, in microseconds per step.
import { join } from 'node:path';
import {
  crossEntropy,
  initTensor,
  Generator,
  SafetensorsFile,
  tf,
  writeSafetensors,
} from '@medgpt/core-tensor';
import type { LossContext, TrainingTask } from '../training-task.js';

export interface ToyExample {
  ids: number[];
  labels: number[];
}

export interface ToyBatch {
  rows: number;
  length: number;
  ids: Int32Array;
  /** Shifted: position t holds the label of t + 1 (-100 at each row's end). */
  shifted: Int32Array;
  lossItems: number;
  tokens: number;
}

export const TOY_VOCAB = 16;

/** `count` rows of a repeating pattern per row, lengths varying, every label counted. */
export function toyDataset(count: number, seed = 3): ToyExample[] {
  const rng = new Generator(seed);
  return Array.from({ length: count }, () => {
    const [a, b] = rng.uint32(2);
    const start = a! % TOY_VOCAB;
    const length = 4 + (b! % 5);
    const ids = Array.from({ length }, (_, t) => (start + 3 * t) % TOY_VOCAB);
    return { ids, labels: [...ids] };
  });
}

export class ToyLmTask implements TrainingTask<ToyExample, ToyBatch> {
  readonly embed: tf.Variable;
  readonly head: tf.Variable;
  /** Makes the loss NaN on the n-th training call (1-based) when set, to exercise the NaN guard. */
  poisonCall = 0;
  private calls = 0;

  constructor(seed = 1, dim = 8) {
    const rng = new Generator(seed);
    this.embed = tf.tidy(() =>
      tf.variable(
        initTensor([TOY_VOCAB, dim], { kind: 'normal', std: 0.5 }, rng),
        true,
        'model.embed_tokens.weight',
      ),
    );
    this.head = tf.tidy(() =>
      tf.variable(initTensor([TOY_VOCAB, dim], { kind: 'normal', std: 0.5 }, rng), true, 'lm_head.weight'),
    );
  }

  get parameters(): tf.Variable[] {
    return [this.embed, this.head];
  }

  collate(examples: readonly ToyExample[]): ToyBatch {
    const length = Math.max(...examples.map((e) => e.ids.length));
    const ids = new Int32Array(examples.length * length);
    const shifted = new Int32Array(examples.length * length).fill(-100);
    let lossItems = 0;
    let tokens = 0;
    examples.forEach((e, r) => {
      e.ids.forEach((id, t) => (ids[r * length + t] = id));
      for (let t = 0; t + 1 < e.labels.length; t++) shifted[r * length + t] = e.labels[t + 1]!;
      lossItems += e.labels.slice(1).filter((l) => l !== -100).length; // the scored (shifted) labels
      tokens += e.ids.length;
    });
    return { rows: examples.length, length, ids, shifted, lossItems, tokens };
  }

  lossItems(batch: ToyBatch): number {
    return batch.lossItems;
  }

  tokens(batch: ToyBatch): number {
    return batch.tokens;
  }

  loss(batch: ToyBatch, reduction: 'sum' | 'mean', context: LossContext): tf.Scalar {
    if (context.training) this.calls += 1;
    const poisoned = context.training && this.calls === this.poisonCall;
    return tf.tidy(() => {
      const hidden = tf.gather(this.embed, tf.tensor1d(batch.ids, 'int32')) as tf.Tensor2D;
      const logits = tf.matMul(hidden, this.head, false, true);
      const loss = crossEntropy(logits, tf.tensor1d(batch.shifted, 'int32'), { reduction });
      return poisoned ? (tf.mul(loss, NaN) as tf.Scalar) : loss;
    });
  }

  async saveWeights(dir: string): Promise<void> {
    await writeSafetensors(join(dir, 'model.safetensors'), {
      [this.embed.name]: this.embed,
      [this.head.name]: this.head,
    });
  }

  async loadWeights(dir: string): Promise<void> {
    const file = await SafetensorsFile.open(join(dir, 'model.safetensors'));
    try {
      for (const v of this.parameters) {
        const t = await file.readTensor(v.name);
        v.assign(t);
        t.dispose();
      }
    } finally {
      await file.close();
    }
  }

  /** The weights as plain arrays (to compare runs). */
  snapshot(): number[][] {
    return this.parameters.map((v) => Array.from(v.dataSync()));
  }

  dispose(): void {
    tf.dispose(this.parameters);
  }
}
