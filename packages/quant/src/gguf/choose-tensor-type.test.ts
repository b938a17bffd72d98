import { describe, expect, it } from 'vitest';
import { chooseTensorType } from './choose-tensor-type.js';

const ctx = { hasOutput: true, file: '/m/model.safetensors' };

describe('chooseTensorType', () => {
  it('keeps norms and 1-D tensors f32 whatever the out type', () => {
    for (const out of ['f32', 'f16', 'q8_0', 'q4_0'] as const) {
      expect(chooseTensorType('blk.0.attn_norm.weight', [64], out, ctx).type).toBe('f32');
      expect(chooseTensorType('blk.0.attn_q.bias', [64], out, ctx).type).toBe('f32');
      expect(chooseTensorType('blk.0.attn_q_norm.weight', [16], out, ctx).type).toBe('f32');
    }
  });

  it('f16 and q8_0 make every matrix that type; q8_0 falls back to f16 for rows not a multiple of 32', () => {
    expect(chooseTensorType('token_embd.weight', [300, 64], 'f16', ctx)).toEqual({ type: 'f16' });
    expect(chooseTensorType('output.weight', [300, 64], 'q8_0', ctx)).toEqual({ type: 'q8_0' });
    expect(chooseTensorType('blk.0.ffn_down.weight', [64, 100], 'q8_0', ctx)).toEqual({
      type: 'f16',
      note: 'rows of 100 are not a multiple of 32: f16 (as convert_hf_to_gguf.py falls back)',
    });
  });

  it('q4_0: the output matrix (or the tied embeddings) q8_0, the rest q4_0; ragged rows are an error naming the tensor', () => {
    expect(chooseTensorType('blk.1.attn_v.weight', [32, 64], 'q4_0', ctx)).toEqual({ type: 'q4_0' });
    expect(chooseTensorType('token_embd.weight', [300, 64], 'q4_0', ctx)).toEqual({ type: 'q4_0' });
    expect(chooseTensorType('output.weight', [300, 64], 'q4_0', ctx).type).toBe('q8_0');
    expect(chooseTensorType('token_embd.weight', [300, 64], 'q4_0', { ...ctx, hasOutput: false }).type).toBe(
      'q8_0',
    );
    expect(chooseTensorType('token_embd.weight', [300, 48], 'q4_0', { ...ctx, hasOutput: false }).type).toBe(
      'f16',
    );
    expect(() => chooseTensorType('blk.0.attn_q.weight', [48, 48], 'q4_0', ctx)).toThrow(
      '/m/model.safetensors: "blk.0.attn_q.weight": has rows of 48 values (shape [48,48]); q4_0 needs rows that are a multiple of 32',
    );
  });
});
