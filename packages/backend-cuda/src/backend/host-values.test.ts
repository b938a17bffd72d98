import { describe, expect, it } from 'vitest';
import { checkStorableDtype, hostBuffer, toDeviceBytes } from './host-values.js';

describe('host values', () => {
  it('uploads float32 and int32 as they are and bool as int32 0/1', () => {
    expect(new Float32Array(toDeviceBytes(Float32Array.of(1.5, -2), 'float32', 2).slice().buffer)).toEqual(
      Float32Array.of(1.5, -2),
    );
    expect(new Int32Array(toDeviceBytes(Int32Array.of(7, -8), 'int32', 2).slice().buffer)).toEqual(
      Int32Array.of(7, -8),
    );
    expect(new Int32Array(toDeviceBytes(Uint8Array.of(1, 0, 1), 'bool', 3).slice().buffer)).toEqual(
      Int32Array.of(1, 0, 1),
    );
  });

  it('keeps the byte offset of a typed-array view', () => {
    const whole = Float32Array.of(9, 1, 2, 3);
    const bytes = toDeviceBytes(whole.subarray(1), 'float32', 3);
    expect(new Float32Array(bytes.slice().buffer)).toEqual(Float32Array.of(1, 2, 3));
  });

  it('refuses strings, complex numbers and a wrong element count', () => {
    expect(() => checkStorableDtype('string', 'write')).toThrow(/dtype 'string' is not supported/);
    expect(() => checkStorableDtype('complex64', 'write')).toThrow(/not supported/);
    expect(() => toDeviceBytes(Float32Array.of(1), 'float32', 2)).toThrow(
      /1 values for a float32 tensor of 2/,
    );
  });

  it('reads bool back as Uint8Array and int32 as Int32Array', () => {
    const b = hostBuffer('bool', 3);
    new Int32Array(b.raw.buffer).set([0, 5, 1]);
    expect(b.finish()).toEqual(Uint8Array.of(0, 1, 1));
    const i = hostBuffer('int32', 2);
    new Int32Array(i.raw.buffer).set([-3, 4]);
    expect(i.finish()).toEqual(Int32Array.of(-3, 4));
  });
});
