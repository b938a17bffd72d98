// AdamWUpdate and SgdUpdate (core-tensor's one-kernel-per-parameter optimizers) over
// csrc/AdamWUpdate.cu and csrc/SgdUpdate.cu. Hyperparameters arrive as attrs and go to the kernel as
// arguments: a step uploads nothing.
import {
  AdamWUpdate,
  MultiTensorAdamWUpdate,
  SgdUpdate,
  type AdamWUpdateAttrs,
  type MultiTensorAdamWUpdateAttrs,
  type SgdUpdateAttrs,
  tf,
} from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { writeInt64 } from '../runtime/device-function.js';
import { cudaBackend, gridFor, requireFloat32, sizeOf, BLOCK } from './launch-config.js';

type AdamWTensors = Record<'param' | 'grad' | 'm' | 'v', tf.TensorInfo | undefined>;

/** The four tensors of one parameter, checked: present, float32, equal sizes. */
function checkedTensors(
  kernel: string,
  tensors: AdamWTensors,
  suffix = '',
): Record<keyof AdamWTensors, tf.TensorInfo> {
  for (const [name, t] of Object.entries(tensors)) {
    if (t == null) throw new Error(`cuda ${kernel}: input '${name}${suffix}' is missing`);
    requireFloat32(kernel, `${name}${suffix}`, t);
  }
  const checked = tensors as Record<keyof AdamWTensors, tf.TensorInfo>;
  const n = sizeOf(checked.param);
  for (const name of ['grad', 'm', 'v'] as const) {
    const t = checked[name];
    if (sizeOf(t) !== n)
      throw new RangeError(`cuda ${kernel}: ${name}${suffix} has ${sizeOf(t)} elements, param${suffix} ${n}`);
  }
  return checked;
}

/** One AdamW step of one tensor into new [param, m, v] buffers (csrc/AdamWUpdate.cu). */
function adamWStep(
  kernel: string,
  backend: CudaBackend,
  tensors: AdamWTensors,
  attrs: AdamWUpdateAttrs,
): tf.TensorInfo[] {
  const { param, grad, m, v } = checkedTensors(kernel, tensors);
  const n = sizeOf(param);
  const { lr, beta1, beta2, eps, weightDecay, step } = attrs;
  const outs = [param, m, v].map(() => backend.makeTensorInfo(param.shape, 'float32'));
  if (n === 0) return outs;
  backend.runtime
    .fn('AdamWUpdate', 'adamw_update')
    .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [
      ...[param, grad, m, v, ...outs].map((t) => backend.pointer(t)),
      n,
      beta1,
      beta2,
      eps,
      1 - lr * weightDecay,
      lr / (1 - beta1 ** step),
      Math.sqrt(1 - beta2 ** step),
    ]);
  return outs;
}

export const adamWUpdateConfig: tf.KernelConfig = {
  kernelName: AdamWUpdate,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend, attrs }) =>
    adamWStep(AdamWUpdate, cudaBackend(backend), inputs as AdamWTensors, attrs as AdamWUpdateAttrs),
};

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

export const sgdUpdateConfig: tf.KernelConfig = {
  kernelName: SgdUpdate,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { param, grad, buf } = inputs as { param: tf.TensorInfo; grad: tf.TensorInfo; buf?: tf.TensorInfo };
    requireFloat32(SgdUpdate, 'param', param);
    const { lr, momentum, dampening, weightDecay, nesterov } = attrs as SgdUpdateAttrs;
    const n = sizeOf(param);
    const paramOut = backend.makeTensorInfo(param.shape, 'float32');
    const bufOut = momentum !== 0 ? backend.makeTensorInfo(param.shape, 'float32') : null;
    if (n > 0) {
      backend.runtime
        .fn('SgdUpdate', 'sgd_update')
        .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [
          backend.pointer(param),
          backend.pointer(grad),
          buf != null ? backend.pointer(buf) : 0,
          backend.pointer(paramOut),
          bufOut !== null ? backend.pointer(bufOut) : 0,
          n,
          lr,
          momentum,
          dampening,
          weightDecay,
          nesterov ? 1 : 0,
        ]);
    }
    return bufOut !== null ? [paramOut, bufOut] : [paramOut];
  },
};
