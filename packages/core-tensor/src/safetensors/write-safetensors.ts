import { encodeSafetensorsHeader } from './encode-safetensors-header.js';
import {
  checkKey,
  prepareTensors,
  type DtypeChoice,
  type PreparedTensor,
  type TensorMap,
} from './prepare-tensors.js';
import { SafetensorsError } from './safetensors-error.js';
import { writeAll, writeFileAtomic } from './write-file-atomic.js';

export interface WriteSafetensorsOptions {
  /** Strings stored as the header's `__metadata__` (omitted when undefined), in this key order. */
  metadata?: Record<string, string>;
  /** Dtype to store the tensors as; by default each keeps its own (tfjs float32 -> F32). */
  dtype?: DtypeChoice;
}

/**
 * Writes `tensors` to `path` as one safetensors file, atomically (temporary file + rename). The bytes
 * are those Python's `safetensors.torch.save_file` writes for the same tensors and metadata (given the
 * same metadata key order; Python's is a hash order).
 *
 * ```ts
 * await writeSafetensors('adapter_model.safetensors', { 'lora_A.weight': a }, { dtype: 'BF16' });
 * ```
 */
export async function writeSafetensors(
  path: string,
  tensors: TensorMap,
  options: WriteSafetensorsOptions = {},
): Promise<void> {
  await writePreparedSafetensors(path, prepareTensors(path, tensors, options.dtype), options.metadata);
}

/** Writes already prepared tensors; each tensor's bytes are produced and written one at a time. */
export async function writePreparedSafetensors(
  path: string,
  tensors: readonly PreparedTensor[],
  metadata?: Record<string, string>,
): Promise<void> {
  checkMetadata(path, metadata);
  const { bytes, order } = encodeSafetensorsHeader(path, tensors, metadata);
  await writeFileAtomic(path, async (handle) => {
    await writeAll(handle, bytes);
    for (const t of order) {
      const data = await t.bytes();
      if (data.byteLength !== t.byteLength) {
        throw new SafetensorsError(
          path,
          t.name,
          `produced ${data.byteLength} bytes, expected ${t.byteLength}`,
        );
      }
      await writeAll(handle, data);
    }
  });
}

function checkMetadata(path: string, metadata: Record<string, string> | undefined): void {
  for (const [k, v] of Object.entries(metadata ?? {})) {
    checkKey(path, k, 'metadata key');
    if (typeof v !== 'string') {
      throw new SafetensorsError(
        path,
        undefined,
        `metadata ${JSON.stringify(k)} is ${typeof v}; safetensors metadata values must be strings`,
      );
    }
    checkKey(path, v, 'metadata value');
  }
}
