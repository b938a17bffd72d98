import { describe, expect, it } from 'vitest';
import { parseQuantStateJson, quantStateJsonText } from './quant-state-json.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('quant-state JSON', () => {
  it("writes QuantState.as_dict(packed=True)'s JSON: its key order, Python's json.dumps", () => {
    // Printed by Python: json.dumps of the non-tensor items, the offset a float32 widened to a double.
    expect(quantStateJsonText({ quant_type: 'nf4', blocksize: 64, dtype: 'bfloat16', shape: [32, 64] })).toBe(
      '{"quant_type": "nf4", "blocksize": 64, "dtype": "bfloat16", "shape": [32, 64]}',
    );
    expect(
      quantStateJsonText({
        quant_type: 'nf4',
        blocksize: 64,
        dtype: 'bfloat16',
        shape: [32, 64],
        nested_blocksize: 256,
        nested_dtype: 'float32',
        nested_offset: Math.fround(0.0123),
      }),
    ).toBe(
      '{"quant_type": "nf4", "blocksize": 64, "dtype": "bfloat16", "shape": [32, 64], "nested_blocksize": 256, ' +
        '"nested_dtype": "float32", "nested_offset": 0.012299999594688416}',
    );
    // An integral offset is still a Python float.
    expect(
      quantStateJsonText({
        quant_type: 'fp4',
        blocksize: 128,
        dtype: 'float32',
        shape: [3],
        nested_offset: 1,
      }),
    ).toContain('"nested_offset": 1.0}');
  });

  it('parses what it writes', () => {
    const state = {
      quant_type: 'fp4' as const,
      blocksize: 64,
      dtype: 'float16' as const,
      shape: [8, 8],
      nested_blocksize: 256,
      nested_dtype: 'float32' as const,
      nested_offset: 0.25,
    };
    expect(parseQuantStateJson(bytes(quantStateJsonText(state)), 'm.safetensors', 'w.qs', true)).toEqual(
      state,
    );
  });

  it('names the file, the tensor, the key and the expected form', () => {
    const text = '{"quant_type": "nf4", "blocksize": 64, "dtype": "bfloat16"}';
    expect(() =>
      parseQuantStateJson(bytes(text), 'm.safetensors', 'l.weight.quant_state.bitsandbytes__nf4', false),
    ).toThrow(
      'm.safetensors: tensor "l.weight.quant_state.bitsandbytes__nf4": quant-state JSON has no "shape" ' +
        '(expected the weight shape as a list of non-negative integers, e.g. [4096, 4096]); ' +
        'keys: ["quant_type","blocksize","dtype"]',
    );
    expect(() =>
      parseQuantStateJson(
        bytes('{"quant_type": "nf4", "blocksize": 63, "dtype": "x", "shape": [1]}'),
        'f',
        't',
        false,
      ),
    ).toThrow(/"blocksize" is 63; expected one of 32, 64/);
    expect(() =>
      parseQuantStateJson(
        bytes('{"quant_type": "nf4", "blocksize": 64, "dtype": "int8", "shape": [1]}'),
        'f',
        't',
        false,
      ),
    ).toThrow(/"dtype" is "int8"; expected "float32", "bfloat16" or "float16"/);
    expect(() =>
      parseQuantStateJson(
        bytes('{"quant_type": "nf4", "blocksize": 64, "dtype": "float32", "shape": [1]}'),
        'f',
        't',
        true,
      ),
    ).toThrow(/no "nested_blocksize" \(expected 256/);
    expect(() => parseQuantStateJson(bytes('[1, 2]'), 'f', 't', false)).toThrow(
      /holds \[1,2\]; expected a JSON object/,
    );
    expect(() => parseQuantStateJson(new Uint8Array([0xff, 0x7b]), 'f', 't', false)).toThrow(
      /is not UTF-8 JSON/,
    );
  });
});
