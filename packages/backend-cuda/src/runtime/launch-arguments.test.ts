import { describe, expect, it } from 'vitest';
import { writeInt64 } from './device-function.js';
import { resolveDeviceOrdinal, DEVICE_ENV } from './device-ordinal.js';
import { alignmentOf } from './matmul-plans.js';

describe('kernel argument encoding', () => {
  it('writes Numbers as little-endian int64 without BigInt', () => {
    const view = new DataView(new ArrayBuffer(8));
    for (const n of [0, 1, -1, 2 ** 32, 2 ** 40 + 12345, -(2 ** 33) - 7, 0x7fff_f000_0000]) {
      writeInt64(view, 0, n);
      expect(view.getBigInt64(0, true)).toBe(BigInt(n));
    }
  });
});

describe('cuBLASLt alignment', () => {
  it('gives the largest power of two up to 256 dividing a batch stride in bytes', () => {
    expect(alignmentOf(4 * 64 * 64)).toBe(256);
    expect(alignmentOf(4 * 15)).toBe(4);
    expect(alignmentOf(4 * 24)).toBe(32);
  });
});

describe('device selection', () => {
  it('takes the option, then MEDGPT_CUDA_DEVICE, then 0', () => {
    expect(resolveDeviceOrdinal(undefined, {})).toBe(0);
    expect(resolveDeviceOrdinal(undefined, { [DEVICE_ENV]: '2' })).toBe(2);
    expect(resolveDeviceOrdinal(1, { [DEVICE_ENV]: '2' })).toBe(1);
    expect(resolveDeviceOrdinal('3', {})).toBe(3);
  });

  it('names the source of a bad value', () => {
    expect(() => resolveDeviceOrdinal('gpu0', {})).toThrow(/--device must be a device ordinal/);
    expect(() => resolveDeviceOrdinal(undefined, { [DEVICE_ENV]: '-1' })).toThrow(/MEDGPT_CUDA_DEVICE/);
  });
});
