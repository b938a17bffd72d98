import { tf } from '@medgpt/core-tensor';

/**
 * `cache` ([batch * S, width], sequence b in rows b*S ..) with `rows` ([batch * T, width]) appended to
 * every sequence: [batch * (S + T), width], in one concat along the slot axis (a row copy per
 * sequence on every backend). `cache` null means S = 0. The caller disposes the old tensor.
 */
export function appendCacheRows(cache: tf.Tensor2D | null, rows: tf.Tensor2D, batch: number): tf.Tensor2D {
  const width = rows.shape[1];
  const t = rows.shape[0] / batch;
  const s = cache === null ? 0 : cache.shape[0] / batch;
  if (!Number.isInteger(t) || !Number.isInteger(s) || (cache !== null && cache.shape[1] !== width)) {
    throw new Error(
      `appendCacheRows: cannot append [${rows.shape}] to [${cache?.shape ?? []}] for ${batch} sequences`,
    );
  }
  if (cache === null) return tf.clone(rows);
  return tf.tidy(() => {
    const merged = tf.concat([tf.reshape(cache, [batch, s, width]), tf.reshape(rows, [batch, t, width])], 1);
    return tf.reshape(merged, [batch * (s + t), width]);
  });
}
