import { tf } from '../tf.js';
import { castSafetensorsArray, type TensorPlace } from './cast-safetensors-array.js';
import type { SafetensorsArray } from './safetensors-array.js';
import { FLOAT_DTYPES, INT_DTYPES } from './safetensors-dtype.js';
import { SafetensorsError } from './safetensors-error.js';

/**
 * Makes a tfjs tensor of `array`: floats become float32 (F64 rounded, F16/BF16 exact), integers int32
 * (an error if a value does not fit), BOOL bool. Other dtypes have no tfjs equivalent: an error.
 */
export function safetensorsArrayToTensor(array: SafetensorsArray, place: TensorPlace): tf.Tensor {
  const { dtype, shape } = array;
  if (FLOAT_DTYPES.includes(dtype)) {
    return tf.tensor(castSafetensorsArray(array, 'F32', place).data as Float32Array, shape, 'float32');
  }
  if (INT_DTYPES.includes(dtype)) {
    return tf.tensor(castSafetensorsArray(array, 'I32', place).data as Int32Array, shape, 'int32');
  }
  if (dtype === 'BOOL') {
    const bytes = array.data as Uint8Array;
    const bad = bytes.findIndex((b) => b > 1);
    if (bad >= 0) {
      throw new SafetensorsError(
        place.file,
        place.tensor,
        `BOOL element ${bad} is byte ${bytes[bad]}; expected 0 or 1`,
      );
    }
    return tf.tensor(bytes, shape, 'bool');
  }
  throw new SafetensorsError(
    place.file,
    place.tensor,
    `dtype ${dtype} has no tfjs equivalent; read its raw bytes with readBytes() instead`,
  );
}
