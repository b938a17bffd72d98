// Test support: the tensors that tools wrote with Python next to each fixture, as typed arrays.
import { readFileSync } from 'node:fs';
import type { SafetensorsArray, SafetensorsTypedArray } from './safetensors-array.js';
import type { SafetensorsDtype } from './safetensors-dtype.js';

interface FixtureTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  values: (number | string)[];
  bits?: number[];
}

/** Fixture JSON values: numbers, or "nan" / "inf" / "-inf", or decimal strings for 64-bit integers. */
function toNumber(v: number | string): number {
  if (typeof v === 'number') return v;
  const special: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity };
  if (!(v in special)) throw new Error(`fixture value ${JSON.stringify(v)} is not a number`);
  return special[v]!;
}

function typedValues(t: FixtureTensor): SafetensorsTypedArray {
  const n = t.values.map((v) => (t.dtype === 'I64' ? 0 : toNumber(v)));
  switch (t.dtype) {
    case 'F64':
      return Float64Array.from(n);
    case 'F32':
      return Float32Array.from(n);
    case 'F16':
    case 'BF16':
      return Uint16Array.from(t.bits!);
    case 'I64':
      return BigInt64Array.from(t.values.map((v) => BigInt(v)));
    case 'I32':
      return Int32Array.from(n);
    case 'I16':
      return Int16Array.from(n);
    case 'I8':
      return Int8Array.from(n);
    case 'U8':
    case 'BOOL':
      return Uint8Array.from(n);
    default:
      throw new Error(`fixture dtype ${t.dtype} not handled`);
  }
}

/** Reads a fixture JSON ({metadata, tensors: {name: {dtype, shape, values, bits?}}}) next to the tests. */
export function loadFixtureTensors(name: string): {
  metadata: Record<string, string>;
  tensors: Map<string, SafetensorsArray>;
} {
  const json = JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as {
    metadata: Record<string, string>;
    tensors: Record<string, FixtureTensor>;
  };
  const tensors = new Map<string, SafetensorsArray>();
  for (const [k, t] of Object.entries(json.tensors))
    tensors.set(k, { dtype: t.dtype, shape: t.shape, data: typedValues(t) });
  return { metadata: json.metadata, tensors };
}

/** Fixture path as a file system path. */
export function fixturePath(name: string): string {
  return new URL(`./fixtures/${name}`, import.meta.url).pathname;
}

/** Elementwise identity: NaN equals NaN, 0 and -0 differ, BigInts compare exactly. */
export function sameElements(
  a: ArrayLike<number | bigint>,
  b: ArrayLike<number | bigint>,
): string | undefined {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return `element ${i}: ${a[i]} vs ${b[i]}`;
  return undefined;
}
