import { describe, expect, it } from 'vitest';
import { pythonFloatRepr, pythonJsonDumps } from './python-json-dumps.js';

// Expected strings printed by Python 3's json.dumps.
describe('pythonJsonDumps', () => {
  it('writes one line with ", " and ": " and floats as repr', () => {
    const floats = [
      1e-5,
      1e-4,
      0.0001234,
      1e16,
      1e15,
      1.2345678901234568e17,
      -0,
      6,
      0.1,
      2.5e-7,
      1.5,
      NaN,
      Infinity,
      -Infinity,
    ];
    expect(pythonJsonDumps({ x: floats }, { floatKeys: new Set(['x']) })).toBe(
      '{"x": [1e-05, 0.0001, 0.0001234, 1e+16, 1000000000000000.0, 1.2345678901234568e+17, -0.0, 6.0, 0.1, ' +
        '2.5e-07, 1.5, NaN, Infinity, -Infinity]}',
    );
    expect(pythonJsonDumps(['é\u007f\n"', 1 / 3, 7, true, null])).toBe(
      '["\\u00e9\\u007f\\n\\"", 0.3333333333333333, 7, true, null]',
    );
  });

  it('indents and sorts keys like json.dumps(indent=2, sort_keys=True)', () => {
    expect(
      pythonJsonDumps({ b: 1, a: [1, { z: null, y: true }], c: {}, d: [] }, { indent: 2, sortKeys: true }),
    ).toBe(
      '{\n  "a": [\n    1,\n    {\n      "y": true,\n      "z": null\n    }\n  ],\n  "b": 1,\n  "c": {},\n  "d": []\n}',
    );
  });

  it('repr of a float32 value widened to a double', () => {
    expect(pythonFloatRepr(Math.fround(0.0123))).toBe('0.012299999594688416');
    expect(pythonFloatRepr(Math.fround(1 / 3))).toBe('0.3333333432674408');
    expect(pythonFloatRepr(-123.5)).toBe('-123.5');
    expect(pythonFloatRepr(-1.5e-5)).toBe('-1.5e-05');
  });
});
