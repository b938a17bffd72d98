import { tf } from '../tf.js';
import { castSafetensorsArray, checkCastable } from './cast-safetensors-array.js';
import { byteLengthOf, bytesOf, fitsDtype, type SafetensorsArray } from './safetensors-array.js';
import {
  arrayTypeOf,
  FLOAT_DTYPES,
  INT_DTYPES,
  isSafetensorsDtype,
  type SafetensorsDtype,
} from './safetensors-dtype.js';
import { SafetensorsError } from './safetensors-error.js';

/** What can be written: a tfjs tensor (float32, int32 or bool) or plain data. */
export type TensorSource = tf.Tensor | SafetensorsArray;

/** Tensors by name. A Map keeps any insertion order (objects put integer-like keys first). */
export type TensorMap = Map<string, TensorSource> | Record<string, TensorSource>;

/**
 * The dtype each tensor is written as. A single dtype applies to the tensors of its kind (a float
 * dtype to float tensors, an integer one to integer tensors); a function decides per tensor, given the
 * dtype the tensor has (F32 for tfjs float32, I32 for int32, BOOL for bool).
 */
export type DtypeChoice = SafetensorsDtype | ((name: string, dtype: SafetensorsDtype) => SafetensorsDtype);

/** A tensor ready to write: its header entry, and its bytes on demand (so they need not all be held at once). */
export interface PreparedTensor {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  byteLength: number;
  bytes: () => Promise<Uint8Array>;
}

const TF_DTYPES: Partial<Record<tf.DataType, SafetensorsDtype>> = {
  float32: 'F32',
  int32: 'I32',
  bool: 'BOOL',
};
// Strings that cannot be UTF-8 (unpaired surrogates) cannot be header keys.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The entries of a TensorMap, in its order. */
export function entriesOf(tensors: TensorMap): [string, TensorSource][] {
  return tensors instanceof Map ? [...tensors] : Object.entries(tensors);
}

/** Checks every tensor of `tensors` (for writing to `file`) and resolves its target dtype. */
export function prepareTensors(file: string, tensors: TensorMap, choice?: DtypeChoice): PreparedTensor[] {
  return entriesOf(tensors).map(([name, source]) => prepareTensor(file, name, source, choice));
}

function prepareTensor(
  file: string,
  name: string,
  source: TensorSource,
  choice?: DtypeChoice,
): PreparedTensor {
  const fail = (problem: string): never => {
    throw new SafetensorsError(file, name, problem);
  };
  checkKey(file, name, 'tensor name');
  if (name === '__metadata__') fail('"__metadata__" is reserved for the header metadata');
  const place = { file, tensor: name };
  if (source instanceof tf.Tensor) {
    if (source.isDisposed) fail('tensor is disposed');
    const own =
      TF_DTYPES[source.dtype] ??
      fail(`tfjs dtype ${source.dtype} cannot be saved; expected float32, int32 or bool`);
    const dtype = targetDtype(file, name, own, choice);
    checkCastable(own, dtype, place);
    const tensor = source;
    const bytes = async () => {
      const data = (await tensor.data()) as Float32Array | Int32Array | Uint8Array;
      return bytesOf(castSafetensorsArray({ dtype: own, shape: tensor.shape, data }, dtype, place).data);
    };
    return { name, dtype, shape: source.shape.slice(), byteLength: byteLengthOf(dtype, source.shape), bytes };
  }
  const { dtype: own, shape, data } = source;
  if (!isSafetensorsDtype(own)) return fail(`unknown dtype ${JSON.stringify(own)}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(`shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  }
  if (!fitsDtype(own, data)) {
    fail(`data for ${own} must be a ${(arrayTypeOf(own) ?? Uint8Array).name} (or its bytes in a Uint8Array)`);
  }
  if (data.byteLength !== byteLengthOf(own, shape)) {
    fail(
      `shape ${JSON.stringify(shape)} of ${own} needs ${byteLengthOf(own, shape)} bytes; data has ${data.byteLength}`,
    );
  }
  const dtype = targetDtype(file, name, own, choice);
  checkCastable(own, dtype, place);
  const bytes = async () => bytesOf(castSafetensorsArray(source, dtype, place).data);
  return { name, dtype, shape: shape.slice(), byteLength: byteLengthOf(dtype, shape), bytes };
}

function targetDtype(
  file: string,
  name: string,
  own: SafetensorsDtype,
  choice: DtypeChoice | undefined,
): SafetensorsDtype {
  if (choice === undefined) return own;
  if (typeof choice === 'function') {
    const dtype = choice(name, own);
    if (!isSafetensorsDtype(dtype)) {
      throw new SafetensorsError(file, name, `the dtype option chose unknown dtype ${JSON.stringify(dtype)}`);
    }
    return dtype;
  }
  const sameKind = [FLOAT_DTYPES, INT_DTYPES].some((kind) => kind.includes(own) && kind.includes(choice));
  return sameKind ? choice : own;
}

/** Rejects strings that cannot be keys of a safetensors header. */
export function checkKey(file: string, key: string, what: string): void {
  if (typeof key !== 'string' || LONE_SURROGATE.test(key)) {
    throw new SafetensorsError(file, undefined, `${what} ${JSON.stringify(key)} is not a valid UTF-8 string`);
  }
}
