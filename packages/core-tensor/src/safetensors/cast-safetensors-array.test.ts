import { describe, expect, it } from 'vitest';
import { castSafetensorsArray } from './cast-safetensors-array.js';
import type { SafetensorsArray } from './safetensors-array.js';
import type { SafetensorsDtype } from './safetensors-dtype.js';

const place = { file: 'f.safetensors', tensor: 't' };
const cast = (dtype: SafetensorsDtype, data: SafetensorsArray['data'], to: SafetensorsDtype) =>
  Array.from(
    castSafetensorsArray({ dtype, shape: [data.length], data }, to, place).data as ArrayLike<number | bigint>,
  );

describe('castSafetensorsArray', () => {
  it('narrows 64-bit integers exactly at the int32 edges and refuses one past them', () => {
    const edges = BigInt64Array.from([-(2n ** 31n), 2n ** 31n - 1n, 0n, -1n]);
    expect(cast('I64', edges, 'I32')).toEqual([-(2 ** 31), 2 ** 31 - 1, 0, -1]);
    for (const v of [2n ** 31n, -(2n ** 31n) - 1n, 2n ** 32n, -(2n ** 32n), 2n ** 62n]) {
      expect(() => cast('I64', BigInt64Array.from([0n, v]), 'I32')).toThrow(
        `value ${v} at element 1 does not fit I32`,
      );
    }
    expect(() => cast('U64', BigUint64Array.from([2n ** 63n]), 'I32')).toThrow(
      /value 9223372036854775808 at element 0/,
    );
    expect(cast('U64', BigUint64Array.from([2n ** 32n - 1n]), 'U32')).toEqual([2 ** 32 - 1]);
  });

  it('widens to 64 bits, keeping signs, and checks U64 against negatives', () => {
    expect(cast('I32', Int32Array.from([-5, 2 ** 31 - 1]), 'I64')).toEqual([-5n, 2n ** 31n - 1n]);
    expect(cast('U32', Uint32Array.from([2 ** 32 - 1]), 'I64')).toEqual([2n ** 32n - 1n]);
    expect(cast('I8', Int8Array.from([7]), 'U64')).toEqual([7n]);
    expect(() => cast('I8', Int8Array.from([-1]), 'U64')).toThrow(/value -1 at element 0 does not fit U64/);
    expect(() => cast('I64', BigInt64Array.from([-1n]), 'U64')).toThrow(
      /value -1 at element 0 does not fit U64/,
    );
    expect(() => cast('U64', BigUint64Array.from([2n ** 63n]), 'I64')).toThrow(
      /value 9223372036854775808 .* does not fit I64/,
    );
    expect(cast('U64', BigUint64Array.from([2n ** 63n - 1n]), 'I64')).toEqual([2n ** 63n - 1n]);
  });

  it('narrows between small integer types with range checks', () => {
    expect(cast('I32', Int32Array.from([0, 255]), 'U8')).toEqual([0, 255]);
    expect(() => cast('I32', Int32Array.from([256]), 'U8')).toThrow(/value 256 .* does not fit U8/);
    expect(() => cast('I16', Int16Array.from([-129]), 'I8')).toThrow(/value -129 .* does not fit I8/);
  });

  it('converts floats through float32 and keeps the same dtype as is', () => {
    expect(cast('F64', Float64Array.from([1 / 3]), 'F32')).toEqual([Math.fround(1 / 3)]);
    expect(cast('F16', Uint16Array.from([0x3555]), 'F64')).toEqual([(1 + 0x155 / 1024) * 2 ** (13 - 15)]); // 0x3555: exp 13, mant 0x155
    expect(cast('BF16', Uint16Array.from([0xc040]), 'F16')).toEqual([0xc200]); // -3 in both
    const data = Float32Array.from([1, 2]);
    expect(castSafetensorsArray({ dtype: 'F32', shape: [2], data }, 'F32', place).data).toEqual(data);
  });

  it('refuses int <-> float, BOOL and fp8 conversions, naming file and tensor', () => {
    expect(() => cast('I32', Int32Array.from([1]), 'F32')).toThrow(
      'f.safetensors: tensor "t": cannot convert I32 to F32',
    );
    expect(() => cast('BOOL', Uint8Array.from([1]), 'U8')).toThrow(/cannot convert BOOL to U8/);
    expect(() => cast('F8_E4M3', Uint8Array.from([1]), 'F32')).toThrow(/cannot convert F8_E4M3 to F32/);
  });
});
