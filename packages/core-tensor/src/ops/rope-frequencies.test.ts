import { describe, expect, it } from 'vitest';
import { closeness } from '../testing/grad-check.js';
import { ROPE_TYPES, ropeFrequencies, type RopeConfig } from './rope-frequencies.js';

// Float32 rounding of each step HF takes: a few units in the last place.
const F32_RTOL = 4 * 2 ** -23;

function closeF32(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return closeness(a, b, 0, F32_RTOL);
}

const base = (headDim: number, theta: number) =>
  Array.from({ length: headDim / 2 }, (_, i) => theta ** ((-2 * i) / headDim));

describe('ropeFrequencies', () => {
  const plain: RopeConfig = { headDim: 16, ropeTheta: 10000, maxPositionEmbeddings: 64 };

  it('default: theta^(-2i/d), no scaling', () => {
    const f = ropeFrequencies(plain);
    expect(f.rotaryDim).toBe(16);
    expect(f.attentionScaling).toBe(1);
    expect(closeF32(f.invFreq, base(16, 10000))).toBeLessThanOrEqual(1);
  });

  it('reads rope_theta and partial_rotary_factor from v5 rope_parameters, and the legacy type key', () => {
    const f = ropeFrequencies({
      ...plain,
      ropeScaling: { rope_type: 'default', rope_theta: 1e6, partial_rotary_factor: 0.5 },
    });
    expect(f.rotaryDim).toBe(8);
    expect(closeF32(f.invFreq, base(8, 1e6))).toBeLessThanOrEqual(1);
    const legacy = ropeFrequencies({ ...plain, ropeScaling: { type: 'linear', factor: 2 } });
    expect(
      closeF32(
        legacy.invFreq,
        base(16, 10000).map((v) => v / 2),
      ),
    ).toBeLessThanOrEqual(1);
  });

  it('linear: divided by factor', () => {
    const f = ropeFrequencies({ ...plain, ropeScaling: { rope_type: 'linear', factor: 3 } });
    expect(
      closeF32(
        f.invFreq,
        base(16, 10000).map((v) => v / 3),
      ),
    ).toBeLessThanOrEqual(1);
  });

  it('dynamic: unchanged up to max_position_embeddings, NTK-rescaled base beyond', () => {
    const cfg: RopeConfig = { ...plain, ropeScaling: { rope_type: 'dynamic', factor: 2 } };
    expect(ropeFrequencies(cfg, 64).invFreq).toEqual(ropeFrequencies(plain).invFreq);
    expect(ropeFrequencies(cfg).invFreq).toEqual(ropeFrequencies(plain).invFreq);
    const seqLen = 200;
    const scaledBase = 10000 * ((2 * seqLen) / 64 - 1) ** (16 / 14);
    expect(closeF32(ropeFrequencies(cfg, seqLen).invFreq, base(16, scaledBase))).toBeLessThanOrEqual(1);
  });

  it('llama3: short wavelengths kept, long ones divided by factor, the band between blended', () => {
    const scaling = {
      rope_type: 'llama3',
      factor: 8,
      low_freq_factor: 1,
      high_freq_factor: 4,
      original_max_position_embeddings: 8192,
    };
    const f = ropeFrequencies({
      headDim: 128,
      ropeTheta: 500000,
      maxPositionEmbeddings: 131072,
      ropeScaling: scaling,
    });
    const orig = base(128, 500000);
    let kept = 0;
    let divided = 0;
    let blended = 0;
    orig.forEach((inv, i) => {
      const wavelen = (2 * Math.PI) / inv;
      const got = f.invFreq[i]!;
      if (wavelen < 8192 / 4) {
        expect(closeF32([got], [inv])).toBeLessThanOrEqual(1);
        kept++;
      } else if (wavelen > 8192) {
        expect(closeF32([got], [inv / 8])).toBeLessThanOrEqual(1);
        divided++;
      } else {
        const smooth = (8192 / wavelen - 1) / 3;
        expect(closeF32([got], [(1 - smooth) * (inv / 8) + smooth * inv])).toBeLessThanOrEqual(1);
        expect(got).toBeLessThan(inv);
        expect(got).toBeGreaterThan(inv / 8);
        blended++;
      }
    });
    expect([kept > 0, divided > 0, blended > 0]).toEqual([true, true, true]);
  });

  it('yarn: extrapolated below the ramp, interpolated above, attention factor from factor or mscales', () => {
    const cfg: RopeConfig = {
      headDim: 64,
      ropeTheta: 10000,
      maxPositionEmbeddings: 16384,
      ropeScaling: { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 4096 },
    };
    const f = ropeFrequencies(cfg);
    const orig = base(64, 10000);
    const corr = (rot: number) => (64 * Math.log(4096 / (rot * 2 * Math.PI))) / (2 * Math.log(10000));
    const low = Math.floor(corr(32));
    const high = Math.ceil(corr(1));
    for (let i = 0; i < 32; i++) {
      const ramp = Math.min(Math.max((i - low) / (high - low), 0), 1);
      const expected = (orig[i]! / 4) * ramp + orig[i]! * (1 - ramp);
      expect(closeF32([f.invFreq[i]!], [expected])).toBeLessThanOrEqual(1);
    }
    expect(f.invFreq[0]).toBe(1);
    expect(f.attentionScaling).toBeCloseTo(0.1 * Math.log(4) + 1, 12);

    const deepseek = ropeFrequencies({
      ...cfg,
      ropeScaling: { ...cfg.ropeScaling, mscale: 0.707, mscale_all_dim: 1 },
    });
    expect(deepseek.attentionScaling).toBeCloseTo((0.0707 * Math.log(4) + 1) / (0.1 * Math.log(4) + 1), 12);
    const explicit = ropeFrequencies({ ...cfg, ropeScaling: { ...cfg.ropeScaling, attention_factor: 1.25 } });
    expect(explicit.attentionScaling).toBe(1.25);

    const untruncated = ropeFrequencies({ ...cfg, ropeScaling: { ...cfg.ropeScaling, truncate: false } });
    const lowF = corr(32);
    const highF = corr(1);
    untruncated.invFreq.forEach((got, i) => {
      const ramp = Math.min(Math.max((i - lowF) / (highF - lowF), 0), 1);
      expect(closeF32([got], [(orig[i]! / 4) * ramp + orig[i]! * (1 - ramp)])).toBeLessThanOrEqual(1);
    });
  });

  it('yarn without factor takes max_position_embeddings / original', () => {
    const f = ropeFrequencies({
      ...plain,
      ropeScaling: { rope_type: 'yarn', original_max_position_embeddings: 16 },
    });
    expect(f.attentionScaling).toBeCloseTo(0.1 * Math.log(4) + 1, 12);
  });

  it('rejects unknown types, missing factors and bad dims with clear errors', () => {
    expect(() => ropeFrequencies({ ...plain, ropeScaling: { rope_type: 'longrope' } })).toThrow(
      `ropeFrequencies: unknown rope_type 'longrope'; supported: ${ROPE_TYPES.join(', ')}`,
    );
    expect(() => ropeFrequencies({ ...plain, ropeScaling: { rope_type: 'linear' } })).toThrow(
      "ropeFrequencies: rope_scaling.factor must be a positive number for rope_type 'linear', got undefined",
    );
    expect(() =>
      ropeFrequencies({ ...plain, ropeScaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1 } }),
    ).toThrow("rope_scaling.high_freq_factor must be a positive number for rope_type 'llama3'");
    expect(() => ropeFrequencies({ ...plain, headDim: 15 })).toThrow('must be even and >= 2, got 15');
    expect(() => ropeFrequencies({ ...plain, ropeTheta: 0 })).toThrow(
      'ropeFrequencies: rope theta must be a number > 1, got 0',
    );
  });
});
