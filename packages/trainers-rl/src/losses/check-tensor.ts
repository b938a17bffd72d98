import type { tf } from '@medgpt/core-tensor';

/**
 * Throws unless `t` is a float32 tensor of `shape`, naming the op, the argument and what the shape
 * should follow (e.g. "logps's [B, T]"), so a wrong batch is caught before it broadcasts silently.
 */
export function checkTensor(
  op: string,
  name: string,
  t: tf.Tensor | null | undefined,
  shape: readonly number[],
  like: string,
): asserts t is tf.Tensor {
  if (t == null) throw new Error(`${op}: ${name} is missing`);
  if (t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new Error(
      `${op}: ${name} must have shape [${shape.join(',')}] (${like}), got [${t.shape.join(',')}]`,
    );
  }
  if (t.dtype !== 'float32') throw new Error(`${op}: ${name} must be float32, got ${t.dtype}`);
}

/** Throws unless `t` is a float32 [B, T] tensor; returns [B, T]. */
export function checkTokenMatrix(
  op: string,
  name: string,
  t: tf.Tensor | null | undefined,
): [number, number] {
  if (t == null) throw new Error(`${op}: ${name} is missing`);
  if (t.rank !== 2) throw new Error(`${op}: ${name} must be [B, T], got [${t.shape.join(',')}]`);
  if (t.dtype !== 'float32') throw new Error(`${op}: ${name} must be float32, got ${t.dtype}`);
  return [t.shape[0]!, t.shape[1]!];
}
