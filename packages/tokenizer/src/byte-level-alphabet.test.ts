import { describe, expect, it } from 'vitest';

import { BYTE_TO_CHAR, toByteLevel } from './byte-level-alphabet.js';
import { createTextPipeline } from './text-pipeline.js';

describe('byte-level alphabet', () => {
  it("equals @huggingface/tokenizers' ByteLevel pre-tokenizer on every byte and on mixed text", () => {
    const byteLevel = createTextPipeline(null, {
      type: 'ByteLevel',
      add_prefix_space: false,
      use_regex: false,
    });
    const text = 'Hello, 世界! 发烧39度 😀\t\n\r\u0000\u007f\u00a0\u00ad café';
    expect(toByteLevel(text)).toBe(byteLevel.preTokenize(text).join(''));
    // ASCII bytes one at a time; the others as the lead and trail bytes of every BMP character block.
    for (let b = 0; b < 128; b++)
      expect(BYTE_TO_CHAR[b]).toBe(byteLevel.preTokenize(String.fromCharCode(b)).join(''));
    let wide = '';
    for (let cp = 0x80; cp < 0xd800; cp += 61) wide += String.fromCodePoint(cp);
    expect(toByteLevel(wide)).toBe(byteLevel.preTokenize(wide).join(''));
    expect(new Set(BYTE_TO_CHAR).size).toBe(256);
  });
});
