import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { closeness } from '../testing/grad-check.js';
import { expectNoLeak } from '../testing/track-tensors.js';
import { rope } from './rope.js';
import { ropeFrequencies, type RopeScaling } from './rope-frequencies.js';

// transformers' LlamaRotaryEmbedding on a GPU machine (the lead's generator); cos/sin already carry the
// attention scaling; 'dynamic' was run as one forward over all positions (seq_len = max + 1).
interface HfRopeCase {
  name: string;
  config: {
    head_dim: number;
    rope_theta: number;
    max_position_embeddings: number;
    partial_rotary_factor?: number;
    rope_scaling: RopeScaling | null;
  };
  positions: number[];
  inv_freq: number[];
  attention_scaling: number;
  cos: number[][];
  sin: number[][];
}

const FIXTURE = new URL('./fixtures/hf-rope.json', import.meta.url);
const cases = (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { cases: HfRopeCase[] }).cases;
const F32_EPS = 2 ** -23;

function frequenciesOf(c: HfRopeCase) {
  const config = {
    headDim: c.config.head_dim,
    ropeTheta: c.config.rope_theta,
    maxPositionEmbeddings: c.config.max_position_embeddings,
    partialRotaryFactor: c.config.partial_rotary_factor,
    ropeScaling: c.config.rope_scaling,
  };
  return ropeFrequencies(config, Math.max(...c.positions) + 1);
}

// Rotating (1, ..., 1, 0, ..., 0) gives (s cos(angle_i), s sin(angle_i)) in each head.
function cosSinByRope(c: HfRopeCase): { cos: Float32Array; sin: Float32Array } {
  const freqs = frequenciesOf(c);
  const headDim = c.config.head_dim;
  const half = freqs.invFreq.length;
  const tokens = c.positions.length;
  const unit = Array.from({ length: headDim }, (_, j) => (j < half ? 1 : 0));
  return tf.tidy(() => {
    const q = tf.tensor2d(
      c.positions.flatMap(() => unit),
      [tokens, headDim],
    );
    const [rotated] = rope(q, q, tf.tensor1d(c.positions, 'int32'), { headDim, ...freqs });
    const out = rotated.dataSync();
    const cos = new Float32Array(tokens * half);
    const sin = new Float32Array(tokens * half);
    for (let t = 0; t < tokens; t++) {
      cos.set(out.subarray(t * headDim, t * headDim + half), t * half);
      sin.set(out.subarray(t * headDim + half, t * headDim + 2 * half), t * half);
    }
    return { cos, sin };
  });
}

describe.each(['cpu', 'wasm'])('rope against transformers (fixtures/hf-rope.json) on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('has cases for every scaling type', () => {
    expect(new Set(cases.map((c) => c.config.rope_scaling?.rope_type ?? 'default'))).toEqual(
      new Set(['default', 'linear', 'dynamic', 'llama3', 'yarn']),
    );
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: inv_freq, attention scaling, cos and sin', (_, c) => {
    const freqs = frequenciesOf(c);
    expect(closeness(freqs.invFreq, c.inv_freq, 0, 4 * F32_EPS)).toBeLessThanOrEqual(1);
    expect(freqs.attentionScaling).toBeCloseTo(c.attention_scaling, 6);

    const { cos, sin } = expectNoLeak(() => cosSinByRope(c));
    const half = freqs.invFreq.length;
    for (let t = 0; t < c.positions.length; t++) {
      for (let i = 0; i < half; i++) {
        // float32 angle and float32 cos/sin on the GPU: allow a few ulps of the angle.
        const angle = c.positions[t]! * c.inv_freq[i]!;
        const tol = c.attention_scaling * (4 * F32_EPS * angle + 4 * F32_EPS) + 1e-7;
        for (const [ours, theirs] of [
          [cos, c.cos],
          [sin, c.sin],
        ] as const) {
          const got = ours[t * half + i]!;
          expect(Math.abs(got - theirs[t]![i]!), `${c.name} t=${t} i=${i}`).toBeLessThanOrEqual(tol);
          expect(Math.abs(got - theirs[t]![i + half]!)).toBeLessThanOrEqual(tol);
        }
      }
    }
  });
});
