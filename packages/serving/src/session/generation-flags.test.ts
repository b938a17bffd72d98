import { describe, expect, it } from 'vitest';
import { MEDICALGPT_GENERATION_DEFAULTS, resolveGenerationFlags } from './generation-flags.js';

describe('resolveGenerationFlags', () => {
  it("falls back to inference.py's defaults without flags or generation_config.json", () => {
    const { max_new_tokens, temperature } = MEDICALGPT_GENERATION_DEFAULTS;
    expect(resolveGenerationFlags({}, null)).toEqual({
      maxNewTokens: max_new_tokens,
      temperature,
      doSample: temperature > 0,
    });
  });

  it('honours generation_config.json where no flag is given', () => {
    const config = { do_sample: false, temperature: 0.6, max_new_tokens: 64, top_p: 0.9 };
    expect(resolveGenerationFlags({}, config)).toEqual({
      maxNewTokens: 64,
      temperature: 0.6,
      doSample: false,
    });
    // top_p / top_k / repetition_penalty are read by generate itself from the same file
    expect(resolveGenerationFlags({ top_p: 0.5, top_k: 5, repetition_penalty: 1.1 }, config)).toMatchObject({
      topP: 0.5,
      topK: 5,
      repetitionPenalty: 1.1,
    });
  });

  it('lets an explicit temperature decide sampling, as inference.py does, unless --do_sample is given', () => {
    const config = { do_sample: false };
    expect(resolveGenerationFlags({ temperature: 0.9 }, config).doSample).toBe(true);
    expect(resolveGenerationFlags({ temperature: 0 }, { do_sample: true }).doSample).toBe(false);
    expect(resolveGenerationFlags({ temperature: 0.9, do_sample: false }, null).doSample).toBe(false);
    expect(resolveGenerationFlags({ do_sample: true }, config)).toMatchObject({
      doSample: true,
      temperature: 0.7,
    });
  });

  it('refuses out-of-range values, naming the flag', () => {
    expect(() => resolveGenerationFlags({ top_p: 0 }, null)).toThrow('top_p must be in (0, 1], got 0');
    expect(() => resolveGenerationFlags({ max_new_tokens: 0 }, null)).toThrow(
      'max_new_tokens must be at least 1',
    );
    expect(() => resolveGenerationFlags({ top_k: -1 }, null)).toThrow('top_k must be >= 0, got -1');
    expect(() => resolveGenerationFlags({ repetition_penalty: 0 }, null)).toThrow(
      'repetition_penalty must be > 0',
    );
  });
});
