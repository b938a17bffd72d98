// DDP's gradient synchronisation: gradients flattened into buckets of about 25 MB (torch DDP's
// bucket_cap_mb), last parameter first (the order backward produces them), each bucket summed across
// ranks with one allReduce. Every bucket's collective is started before any is awaited, so on NCCL they
// queue back to back on the stream. Overlapping them with backward itself needs a hook in the backward
// driver that hands over each gradient as it is made; see the package README.
import { tf } from '@medgpt/core-tensor';
import type { Communicator } from './communicator.js';
import type { ReduceOp } from './reduce-op.js';

/** torch DDP's default bucket_cap_mb (25 MiB). */
export const DEFAULT_BUCKET_BYTES = 25 * 1024 * 1024;

/** A parameter a gradient belongs to. */
export interface GradientParam {
  name: string;
  shape: readonly number[];
}

/**
 * Indices of parameters grouped into buckets of at most `capBytes` of float32 (a larger parameter is a
 * bucket of its own), from the last parameter to the first.
 */
export function gradientBuckets(sizes: readonly number[], capBytes = DEFAULT_BUCKET_BYTES): number[][] {
  const cap = Math.max(1, Math.floor(capBytes / 4));
  const buckets: number[][] = [];
  let bucket: number[] = [];
  let filled = 0;
  for (let i = sizes.length - 1; i >= 0; i--) {
    if (bucket.length > 0 && filled + sizes[i]! > cap) {
      buckets.push(bucket);
      bucket = [];
      filled = 0;
    }
    bucket.push(i);
    filled += sizes[i]!;
  }
  if (bucket.length > 0) buckets.push(bucket);
  return buckets;
}

/**
 * Agrees on which parameters have a gradient this step: those with one on any rank get zeros where a
 * rank has none (a rank whose shard was empty, or a branch only some ranks took); those with none on
 * any rank are left without, so the optimizer skips them as torch does. Returns the ones with a gradient.
 */
export async function syncGradientPresence(
  comm: Communicator,
  grads: tf.NamedTensorMap,
  params: readonly GradientParam[],
): Promise<GradientParam[]> {
  const here = params.map((p) => (grads[p.name] != null ? 1 : 0));
  const anywhere = comm.worldSize > 1 ? await comm.allReduceNumbers(here, 'max') : here;
  const present: GradientParam[] = [];
  params.forEach((p, i) => {
    if (anywhere[i] === 0) return;
    grads[p.name] ??= tf.zeros([...p.shape]);
    present.push(p);
  });
  return present;
}

export interface AllReduceGradientsOptions {
  bucketBytes?: number;
  /** 'sum' (default: the loss is already divided by the global token count) or 'avg'. */
  op?: ReduceOp;
}

/**
 * Replaces every gradient in `grads` by its combination across ranks (sum by default), bucket by
 * bucket; the replaced tensors are disposed (the map owns them). Returns the parameters reduced.
 */
export async function allReduceGradients(
  comm: Communicator,
  grads: tf.NamedTensorMap,
  params: readonly GradientParam[],
  options: AllReduceGradientsOptions = {},
): Promise<GradientParam[]> {
  const present = await syncGradientPresence(comm, grads, params);
  if (comm.worldSize === 1) return present;
  const sizes = present.map((p) => p.shape.reduce((n, d) => n * d, 1));
  const buckets = gradientBuckets(sizes, options.bucketBytes);
  await Promise.all(
    buckets.map((bucket) =>
      reduceBucket(
        comm,
        grads,
        bucket.map((i) => present[i]!),
        options.op,
      ),
    ),
  );
  return present;
}

async function reduceBucket(
  comm: Communicator,
  grads: tf.NamedTensorMap,
  bucket: readonly GradientParam[],
  op: ReduceOp = 'sum',
): Promise<void> {
  const flat = tf.tidy(() => tf.concat(bucket.map((p) => tf.reshape(grads[p.name]!, [-1]))));
  let reduced: tf.Tensor;
  try {
    reduced = await comm.allReduce(flat, op);
  } finally {
    flat.dispose();
  }
  const parts = tf.tidy(() =>
    tf
      .split(
        reduced,
        bucket.map((p) => p.shape.reduce((n, d) => n * d, 1)),
      )
      .map((t, i) => tf.reshape(t, [...bucket[i]!.shape])),
  );
  reduced.dispose();
  bucket.forEach((p, i) => {
    grads[p.name]!.dispose();
    grads[p.name] = parts[i]!;
  });
}
