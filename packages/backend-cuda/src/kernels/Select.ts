// Select (tf.where's kernel): out = condition ? t : e, over csrc/Select.cu. tfjs broadcasts the inputs
// to one shape first, except that a rank-1 condition may pick whole rows of t and e.
import { tf } from '@medgpt/core-tensor';
import { cudaBackend, gridFor, sizeOf, BLOCK } from './launch-config.js';

export const selectConfig: tf.KernelConfig = {
  kernelName: tf.Select,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b }) => {
    const backend = cudaBackend(b);
    const { condition, t, e } = inputs as { condition: tf.TensorInfo; t: tf.TensorInfo; e: tf.TensorInfo };
    if (t.dtype !== e.dtype) throw new TypeError(`cuda Select: t is ${t.dtype} but e is ${e.dtype}`);
    const out = backend.makeTensorInfo(t.shape, t.dtype);
    const n = sizeOf(t);
    if (n === 0) return out;
    const condSize = sizeOf(condition);
    if (n % condSize !== 0) {
      throw new RangeError(`cuda Select: condition [${condition.shape}] does not fit t [${t.shape}]`);
    }
    backend.runtime
      .fn('Select', 'select_u32')
      .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [
        backend.pointer(condition),
        backend.pointer(t),
        backend.pointer(e),
        backend.pointer(out),
        n,
        n / condSize,
      ]);
    return out;
  },
};
