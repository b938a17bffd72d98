import { describe, expect, it } from 'vitest';
import { configJsonText } from './config-json-text.js';

describe('configJsonText', () => {
  it('writes floats as Python does and sorts keys like json.dumps(sort_keys=True)', () => {
    const text = configJsonText({
      rope_theta: 10000,
      rms_norm_eps: 1e-6,
      b: [1, 0.5],
      a: { factor: 8, x: 1e-4 },
      n: 2e-5,
    });
    expect(text).toBe(
      '{\n  "a": {\n    "factor": 8.0,\n    "x": 0.0001\n  },\n  "b": [\n    1,\n    0.5\n  ],\n' +
        '  "n": 2e-05,\n  "rms_norm_eps": 1e-06,\n  "rope_theta": 10000.0\n}\n',
    );
    expect(configJsonText({ rope_theta: 1e16, v: [], o: {}, s: 'é🤒', z: null })).toBe(
      '{\n  "o": {},\n  "rope_theta": 1e+16,\n  "s": "\\u00e9\\ud83e\\udd12",\n  "v": [],\n  "z": null\n}\n',
    );
  });
});
