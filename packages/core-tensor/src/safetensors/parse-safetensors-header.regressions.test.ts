// Bugs the fuzzing of the safetensors reader found (safetensors-file.fuzz.ts), one case each.
import { describe, expect, it } from 'vitest';
import { parseSafetensorsHeader } from './parse-safetensors-header.js';
import { SafetensorsError } from './safetensors-error.js';

const parse =
  (header: string, dataLength = 0) =>
  () =>
    parseSafetensorsHeader('m.safetensors', Buffer.from(header), dataLength);
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('safetensors header regressions', () => {
  it('names a deeply nested shape, offsets or metadata value instead of overflowing the stack', () => {
    const shape = parse(`{"w": {"dtype": "F32", "shape": ${nested(10_000)}, "data_offsets": [0, 0]}}`);
    expect(shape).toThrow(SafetensorsError);
    expect(shape).toThrow(
      `m.safetensors: tensor "w": shape ${'['.repeat(8)}[...]${']'.repeat(8)} is not a list`,
    );
    const offsets = parse(`{"w": {"dtype": "F32", "shape": [], "data_offsets": ${nested(10_000)}}}`);
    expect(offsets).toThrow(/data_offsets \[+\[\.\.\.\]\]+ is not a pair/);
    expect(parse(`{"__metadata__": {"k": ${nested(10_000)}}}`)).toThrow(/__metadata__\.k is \[+/);
  });

  it('refuses a shape whose element count overflows before a 0 dimension, as the Rust reader does', () => {
    const big = 2 ** 52;
    expect(parse(`{"w": {"dtype": "F32", "shape": [${big}, ${big}, 0], "data_offsets": [0, 0]}}`)).toThrow(
      `shape [${big},${big},0] is too large`,
    );
    // A genuinely empty tensor is fine.
    expect(parse('{"w": {"dtype": "F32", "shape": [3, 0], "data_offsets": [0, 0]}}')().tensors).toHaveLength(
      1,
    );
  });
});
