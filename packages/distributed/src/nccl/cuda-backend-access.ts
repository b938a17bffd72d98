import { tf } from '@medgpt/core-tensor';
import type { Handle } from './nccl-api.js';

/**
 * The parts of @medgpt/backend-cuda's CudaBackend that NCCL needs, typed structurally so this package
 * does not depend on backend-cuda (whose import registers the backend): a tensor's device address,
 * fresh device memory for a result, and the one stream every kernel of the backend runs on.
 */
export interface CudaBackendAccess {
  pointer(info: tf.TensorInfo): number;
  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  readonly runtime: {
    readonly stream: Handle;
    readonly device: { readonly ordinal: number; readonly name: string };
  };
}

/** The active cuda backend, or an error saying why NCCL cannot run on the active one. */
export function cudaBackendAccess(): CudaBackendAccess {
  const name = tf.getBackend();
  if (name !== 'cuda') {
    throw new Error(
      `NCCL moves tensors of the cuda backend, and the active backend is '${name}' ` +
        '(use --backend cuda, or MEDGPT_DIST_BACKEND=tcp to move tensors over TCP)',
    );
  }
  const backend = tf.backend() as unknown as Partial<CudaBackendAccess>;
  if (
    typeof backend.pointer !== 'function' ||
    typeof backend.makeTensorInfo !== 'function' ||
    !backend.runtime
  ) {
    throw new Error(
      'the cuda backend does not expose pointer(), makeTensorInfo() and runtime (is @medgpt/backend-cuda too old?)',
    );
  }
  return backend as CudaBackendAccess;
}

/** A tensor over device memory the backend made with makeTensorInfo. */
export function tensorFromInfo(info: tf.TensorInfo): tf.Tensor {
  return tf.engine().makeTensorFromTensorInfo(info);
}
