// WriteCacheRows on host backends: writes the rows into the cache's own buffer where the backend has one.
import { tf } from '../tf.js';
import { aliasInput } from './alias-input.js';
import type { HostKernelConfig } from './js-kernel.js';
import { WriteCacheRows } from '../kernel-names.js';

interface HostBackend {
  readSync(dataId: tf.DataId): unknown;
  write(values: tf.BackendValues, shape: number[], dtype: tf.DataType): tf.DataId;
  typedArrayFromHeap?(info: tf.TensorInfo): Float32Array | Int32Array;
  /** tfjs-backend-cpu's storage: the array a tensor's values live in. */
  data?: { get(dataId: tf.DataId): { values?: unknown } };
}

// The cache's own storage (cpu's array, a view of the wasm heap), or null where the backend only
// hands out copies (tfjs-node): then the kernel writes into a copy and returns that.
function storage(b: HostBackend, t: tf.TensorInfo): Float32Array | null {
  if (b.typedArrayFromHeap != null) return b.typedArrayFromHeap(t) as Float32Array;
  const values = b.data?.get(t.dataId)?.values;
  return values instanceof Float32Array ? values : null;
}

function read(b: HostBackend, t: tf.TensorInfo): Float32Array | Int32Array {
  return (b.typedArrayFromHeap?.(t) ?? b.readSync(t.dataId)) as Float32Array | Int32Array;
}

/**
 * Inputs `cache` float32 [R, W], `rows` float32 [N, W], `indices` int32 [N] (rows of the cache).
 * Output: the cache with row indices[i] replaced by rows[i]. On cpu and wasm the output shares the
 * cache's buffer, which is written in place: no copy of the cache, whatever its size.
 */
const writeCacheRowsHost: tf.KernelFunc = ({ inputs, backend }) => {
  const b = backend as unknown as HostBackend;
  const { cache, rows, indices } = inputs as Record<string, tf.TensorInfo>;
  const width = cache!.shape[1]!;
  const src = read(b, rows!) as Float32Array;
  const at = Int32Array.from(read(b, indices!));
  const bad = at.find((i) => !(i >= 0 && i < cache!.shape[0]!));
  if (bad !== undefined)
    throw new Error(`writeCacheRows: index ${bad} is not a row of the cache [${cache!.shape}]`);
  let target = storage(b, cache!);
  const inPlace = target !== null;
  target ??= Float32Array.from(read(b, cache!) as Float32Array);
  for (let i = 0; i < at.length; i++) target.set(src.subarray(i * width, (i + 1) * width), at[i]! * width);
  if (inPlace) return aliasInput(backend as tf.KernelBackend, cache!);
  return { dataId: b.write(target, cache!.shape, 'float32'), shape: cache!.shape, dtype: 'float32' };
};

// Not a JS kernel over copies: it needs the backend's own storage to write in place.
export const writeCacheRowsConfig: HostKernelConfig = {
  kernelName: WriteCacheRows,
  kernelFunc: writeCacheRowsHost,
};
