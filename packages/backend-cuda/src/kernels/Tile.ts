// Tile: one launch of csrc/Copy.cu's tile_u32, each output element reading its source modulo the input.
import { tf } from '@medgpt/core-tensor';
import { cudaBackend, gridFor, sizeOf, BLOCK } from './launch-config.js';
import { MAX_RANK, rowMajorStrides } from './strided-view.js';

const TILE_FIELDS = 1 + 3 * MAX_RANK;

export const tileConfig: tf.KernelConfig = {
  kernelName: tf.Tile,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { x } = inputs as { x: tf.TensorInfo };
    const { reps } = attrs as unknown as tf.TileAttrs;
    const shape = x.shape.map((d, i) => d * reps[i]!);
    if (shape.length > MAX_RANK) throw new RangeError(`cuda Tile: rank ${shape.length} exceeds ${MAX_RANK}`);
    const out = backend.makeTensorInfo(shape, x.dtype);
    const n = sizeOf(out);
    if (n === 0) return out;
    const strides = rowMajorStrides(x.shape);
    const fields = new Array<number>(TILE_FIELDS).fill(1);
    fields[0] = shape.length;
    shape.forEach((d, i) => {
      fields[1 + i] = d;
      fields[1 + MAX_RANK + i] = x.shape[i]!;
      fields[1 + 2 * MAX_RANK + i] = strides[i]!;
    });
    backend.runtime
      .fn('Copy', 'tile_u32')
      .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [
        backend.pointer(x),
        backend.pointer(out),
        n,
        fields,
      ]);
    return out;
  },
};
