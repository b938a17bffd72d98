// MultiTensorAdamWUpdate (a whole parameter group per dispatch) over csrc/AdamWUpdate.cu's
// adamw_update_multi: the same per-element arithmetic as AdamWUpdate.
import { MultiTensorAdamWUpdate, type MultiTensorAdamWUpdateAttrs, tf } from '@medgpt/core-tensor';
import { writeInt64 } from '../runtime/device-function.js';
import { checkedTensors } from './AdamWUpdate.js';
import { cudaBackend, sizeOf, BLOCK } from './launch-config.js';

/** Elements per block of the multi-tensor launch. */
const ADAMW_CHUNK = 1 << 16;
/** Bytes of csrc/AdamWUpdate.cu's AdamWEntry: 7 addresses, n, two doubles. */
const ADAMW_ENTRY_BYTES = 80;

// The multi-tensor form: one engine dispatch and one launch (adamw_update_multi) for a whole parameter
// group, over a table of the tensors' addresses uploaded with the step, cut into chunks of 64Ki
// elements so a large embedding and a small bias both fill the GPU. The same per-element arithmetic as
// AdamWUpdate, so both optimizers agree to the bit. Outputs are new buffers.
export const multiTensorAdamWUpdateConfig: tf.KernelConfig = {
  kernelName: MultiTensorAdamWUpdate,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { steps, lr, beta1, beta2, eps, weightDecay } = attrs as MultiTensorAdamWUpdateAttrs;
    const named = inputs as Record<string, tf.TensorInfo | undefined>;
    const groups = steps.map((_, i) =>
      checkedTensors(
        MultiTensorAdamWUpdate,
        {
          param: named[`param${i}`],
          grad: named[`grad${i}`],
          m: named[`m${i}`],
          v: named[`v${i}`],
        },
        `${i}`,
      ),
    );
    const outs = groups.map(({ param }) =>
      [0, 1, 2].map(() => backend.makeTensorInfo(param.shape, 'float32')),
    );
    const table = new DataView(new ArrayBuffer(Math.max(1, groups.length) * ADAMW_ENTRY_BYTES));
    const chunks: number[] = [];
    groups.forEach((t, i) => {
      const n = sizeOf(t.param);
      const at = i * ADAMW_ENTRY_BYTES;
      [t.param, t.grad, t.m, t.v, ...outs[i]!].forEach((x, k) =>
        writeInt64(table, at + 8 * k, backend.pointer(x)),
      );
      writeInt64(table, at + 56, n);
      table.setFloat64(at + 64, lr / (1 - beta1 ** steps[i]!), true);
      table.setFloat64(at + 72, Math.sqrt(1 - beta2 ** steps[i]!), true);
      for (let start = 0; start < n; start += ADAMW_CHUNK) chunks.push(i, start);
    });
    if (chunks.length > 0) {
      const entries = backend.makeTensorInfo([table.byteLength / 4], 'int32', new Int32Array(table.buffer));
      const chunkTable = backend.makeTensorInfo([chunks.length * 2], 'int32', int64Words(chunks));
      backend.runtime
        .fn('AdamWUpdate', 'adamw_update_multi')
        .launch(backend.runtime.stream, chunks.length / 2, BLOCK, 0, [
          backend.pointer(entries),
          backend.pointer(chunkTable),
          ADAMW_CHUNK,
          beta1,
          beta2,
          eps,
          1 - lr * weightDecay,
        ]);
      backend.disposeIntermediateTensorInfo(entries);
      backend.disposeIntermediateTensorInfo(chunkTable);
    }
    return outs.flat();
  },
};

/** Non-negative integers below 2^53 as little-endian int64, in int32 words. */
function int64Words(values: readonly number[]): Int32Array {
  const view = new DataView(new ArrayBuffer(values.length * 8));
  values.forEach((v, i) => writeInt64(view, 8 * i, v));
  return new Int32Array(view.buffer);
}
