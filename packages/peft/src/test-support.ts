// Test support (not exported): the models package's golden fixtures serve as base models.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tf } from '@medgpt/core-tensor';
import { loadModel, type CausalLM } from '@medgpt/models';

export const BASE_FIXTURES = fileURLToPath(new URL('../../models/src/fixtures/', import.meta.url));
export const PEFT_FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export interface Batch {
  input_ids: number[][];
  attention_mask: number[][];
  position_ids: number[][];
}

export const baseDir = (name: string) => `${BASE_FIXTURES}${name}`;
export const loadBase = (name: string): Promise<CausalLM> => loadModel(baseDir(name));

/** The left-padded batch of a base fixture's expected.json. */
export function fixtureBatch(name: string): Batch {
  const e = JSON.parse(readFileSync(`${baseDir(name)}/expected.json`, 'utf8')) as Batch;
  return { input_ids: e.input_ids, attention_mask: e.attention_mask, position_ids: e.position_ids };
}

/** Logits [batch * T * vocab] of `model` on `batch`. */
export function logitsOf(model: CausalLM, batch: Batch): Float32Array {
  return tf.tidy(() => {
    const t = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');
    return model
      .forward({
        inputIds: t(batch.input_ids),
        attentionMask: t(batch.attention_mask),
        positionIds: t(batch.position_ids),
      })
      .dataSync() as Float32Array;
  });
}

/** Largest |a - b| over real (mask 1) positions of flat [B * T * V] logits. */
export function maxDiffAtMask(a: ArrayLike<number>, b: ArrayLike<number>, mask: number[][]): number {
  const t = mask[0]!.length;
  const v = a.length / (mask.length * t);
  let max = 0;
  mask.forEach((row, bi) =>
    row.forEach((m, i) => {
      if (!m) return;
      for (let j = 0; j < v; j++) {
        const k = (bi * t + i) * v + j;
        max = Math.max(max, Math.abs(a[k]! - b[k]!));
      }
    }),
  );
  return max;
}

/** Nested [B][T][V] logits flattened. */
export const flat3 = (x: number[][][]): Float32Array => Float32Array.from(x.flat(2));
