import type { tf } from '@medgpt/core-tensor';

/** The dtypes the cuda backend stores; others (string, complex64) are refused with this message. */
export function checkStorableDtype(dtype: tf.DataType, where: string): void {
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
    throw new TypeError(
      `cuda backend: ${where}: dtype '${dtype}' is not supported (float32, int32 and bool are)`,
    );
  }
}

/**
 * The bytes to upload for `values` of `dtype`: float32 and int32 as they are (converted if another
 * typed array was given), bool widened to int32 0/1.
 */
export function toDeviceBytes(values: tf.BackendValues, dtype: tf.DataType, size: number): Uint8Array {
  if (!ArrayBuffer.isView(values)) {
    throw new TypeError(`cuda backend: cannot store ${dtype} values given as an array of byte strings`);
  }
  if (values.length !== size) {
    throw new RangeError(`cuda backend: ${values.length} values for a ${dtype} tensor of ${size} elements`);
  }
  let typed: Float32Array | Int32Array;
  if (dtype === 'float32') typed = values instanceof Float32Array ? values : Float32Array.from(values);
  else if (dtype === 'int32') typed = values instanceof Int32Array ? values : Int32Array.from(values);
  else typed = Int32Array.from(values, (v) => (v ? 1 : 0));
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

/** A typed array of `size` elements for `dtype` as tfjs hands it out, and the bytes to read into. */
export function hostBuffer(
  dtype: tf.DataType,
  size: number,
): { raw: Uint8Array; finish(): tf.BackendValues } {
  if (dtype === 'float32') {
    const out = new Float32Array(size);
    return { raw: new Uint8Array(out.buffer), finish: () => out };
  }
  const ints = new Int32Array(size);
  const raw = new Uint8Array(ints.buffer);
  if (dtype === 'int32') return { raw, finish: () => ints };
  return { raw, finish: () => Uint8Array.from(ints, (v) => (v !== 0 ? 1 : 0)) };
}
