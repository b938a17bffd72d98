import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../index.js';
import { closeness } from '../testing/grad-check.js';
import { attentionAttrs, type AttentionOptions } from '../ops/attention.js';
import {
  Attention,
  AttentionGrad,
  CrossEntropy,
  CrossEntropyGrad,
  LoraLinear,
  LoraLinearGrad,
  RmsNorm,
  RmsNormGrad,
  Swiglu,
  SwigluGrad,
  TokenLogprobs,
  TokenLogprobsGrad,
} from '../kernel-names.js';
import { attentionHostKernel } from './Attention.js';
import { attentionGradHostKernel } from './AttentionGrad.js';
import { crossEntropyHostKernel } from './CrossEntropy.js';
import { crossEntropyGradHostKernel } from './CrossEntropyGrad.js';
import { registerHostKernel, type HostKernelImpl } from './js-kernel.js';
import { loraLinearHostKernel } from './LoraLinear.js';
import { loraLinearGradHostKernel } from './LoraLinearGrad.js';
import { rmsNormHostKernel } from './RmsNorm.js';
import { rmsNormGradHostKernel } from './RmsNormGrad.js';
import { swigluHostKernel } from './Swiglu.js';
import { swigluGradHostKernel } from './SwigluGrad.js';
import { tokenLogprobsHostKernel } from './TokenLogprobs.js';
import { tokenLogprobsGradHostKernel } from './TokenLogprobsGrad.js';
import { attentionWasmKernel } from './Attention_wasm.js';
import { attentionGradWasmKernel } from './AttentionGrad_wasm.js';
import { swigluWasmKernel } from './Swiglu_wasm.js';

// The wasm kernels (wasm's own SIMD kernels composed inside one kernel) against the JS host kernels,
// which stay the float64 reference: the JS kernels are registered again under test names, so both run
// on the wasm backend over the very same inputs. Each comparison also checks that the wasm heap holds
// no more buffers afterwards than before (every temporary freed, also when a kernel throws).

const HOST: Record<string, HostKernelImpl> = {
  [Attention]: attentionHostKernel,
  [AttentionGrad]: attentionGradHostKernel,
  [CrossEntropy]: crossEntropyHostKernel,
  [CrossEntropyGrad]: crossEntropyGradHostKernel,
  [TokenLogprobs]: tokenLogprobsHostKernel,
  [TokenLogprobsGrad]: tokenLogprobsGradHostKernel,
  [RmsNorm]: rmsNormHostKernel,
  [RmsNormGrad]: rmsNormGradHostKernel,
  [Swiglu]: swigluHostKernel,
  [SwigluGrad]: swigluGradHostKernel,
  [LoraLinear]: loraLinearHostKernel,
  [LoraLinearGrad]: loraLinearGradHostKernel,
};
const hostName = (kernel: string): string => `MedgptTestHost${kernel}`;
for (const [kernel, impl] of Object.entries(HOST)) registerHostKernel(hostName(kernel), impl);

function run(kernel: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap): Float32Array[] {
  const out = tf.engine().runKernel(kernel, inputs, attrs) as tf.Tensor | tf.Tensor[];
  const outs = Array.isArray(out) ? out : [out];
  const values = outs.map((t) => t.dataSync() as Float32Array);
  tf.dispose(outs);
  return values;
}

/**
 * Runs `kernel` (the wasm kernel) and its JS host kernel on the same inputs; expects every output close
 * and no wasm buffer left behind.
 */
function expectMatchesHost(
  kernel: string,
  inputs: tf.NamedTensorMap,
  attrs: tf.NamedAttrMap,
  atol = 1e-6,
  rtol = 1e-5,
): void {
  const buffers = tf.memory().numDataBuffers;
  const got = run(kernel, inputs, attrs);
  expect(tf.memory().numDataBuffers).toBe(buffers);
  const want = run(hostName(kernel), inputs, attrs);
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    expect(g.length).toBe(want[i]!.length);
    expect(closeness(g, want[i]!, atol, rtol), `${kernel} output ${i}`).toBeLessThanOrEqual(1);
  });
}

const normal = (shape: number[], seed: number, std = 1): tf.Tensor =>
  tf.randomNormal(shape, 0, std, 'float32', seed);

describe('fused-op kernels on wasm', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  it('registers the wasm kernels on wasm only; cpu keeps the JS kernels', () => {
    expect(tf.getKernel(Attention, 'wasm')!.kernelFunc).toBe(attentionWasmKernel);
    expect(tf.getKernel(AttentionGrad, 'wasm')!.kernelFunc).toBe(attentionGradWasmKernel);
    expect(tf.getKernel(Swiglu, 'wasm')!.kernelFunc).toBe(swigluWasmKernel);
    for (const kernel of Object.keys(HOST)) {
      expect(tf.getKernel(kernel, 'cpu')!.kernelFunc).not.toBe(tf.getKernel(kernel, 'wasm')!.kernelFunc);
    }
  });

  describe('Attention and AttentionGrad', () => {
    interface Case {
      name: string;
      batch: number;
      tq: number;
      s?: number;
      heads: number;
      kvHeads: number;
      headDim: number;
      mask?: (b: number, j: number) => number;
      segments?: (b: number, j: number) => number;
      opts?: Partial<AttentionOptions>;
    }
    const cases: Case[] = [
      { name: 'MHA, one block', batch: 2, tq: 7, heads: 2, kvHeads: 2, headDim: 4 },
      { name: 'GQA over several row blocks', batch: 2, tq: 150, heads: 4, kvHeads: 2, headDim: 8 },
      { name: 'MQA, odd head size', batch: 1, tq: 70, heads: 4, kvHeads: 1, headDim: 5 },
      {
        name: 'left and right padding (rows that see no key)',
        batch: 2,
        tq: 80,
        heads: 2,
        kvHeads: 1,
        headDim: 8,
        mask: (b, j) => (b === 0 ? (j < 5 ? 0 : 1) : j >= 70 ? 0 : 1),
      },
      {
        name: 'sliding window across blocks',
        batch: 1,
        tq: 140,
        heads: 2,
        kvHeads: 2,
        headDim: 8,
        opts: { slidingWindow: 40 },
      },
      {
        name: 'packed samples with a reused id and padding',
        batch: 2,
        tq: 100,
        heads: 4,
        kvHeads: 2,
        headDim: 4,
        segments: (b, j) => (b === 0 ? (j < 30 ? 1 : j < 90 ? 2 : 1) : j < 66 ? 7 : 0),
        mask: (b, j) => (b === 1 && j >= 90 ? 0 : 1),
      },
      {
        name: 'KV cache: 3 queries against 75 keys',
        batch: 2,
        tq: 3,
        s: 75,
        heads: 4,
        kvHeads: 2,
        headDim: 8,
      },
      {
        name: 'KV cache with window and custom scale',
        batch: 1,
        tq: 20,
        s: 90,
        heads: 2,
        kvHeads: 1,
        headDim: 8,
        opts: { slidingWindow: 16, scale: 0.7 },
      },
      { name: 'no queries', batch: 2, tq: 0, s: 0, heads: 2, kvHeads: 1, headDim: 4 },
    ];

    function attentionInputs(c: Case, seed: number): { inputs: tf.NamedTensorMap; attrs: tf.NamedAttrMap } {
      const s = c.s ?? c.tq;
      const q = normal([c.batch * c.tq, c.heads * c.headDim], seed, 1.5);
      const k = normal([c.batch * s, c.kvHeads * c.headDim], seed + 1, 1.5);
      const v = normal([c.batch * s, c.kvHeads * c.headDim], seed + 2);
      const perKey = (f: ((b: number, j: number) => number) | undefined, fill: number): tf.Tensor =>
        tf.tensor2d(
          Array.from({ length: c.batch * s }, (_, i) => (f ? f(Math.floor(i / s), i % s) : fill)),
          [c.batch, s],
          'int32',
        );
      const attentionMask = perKey(c.mask, 1);
      const segmentIds = c.segments ? perKey(c.segments, 0) : undefined;
      const opts: AttentionOptions = {
        numHeads: c.heads,
        numKvHeads: c.kvHeads,
        batch: c.batch,
        attentionMask,
        ...(segmentIds ? { segmentIds } : {}),
        ...c.opts,
      };
      const attrs = attentionAttrs(q, k, v, opts);
      return { inputs: { q, k, v, attentionMask, segmentIds: segmentIds ?? attentionMask }, attrs };
    }

    it.each(cases)('$name: values and gradients equal the JS kernels', (c) => {
      const { inputs, attrs } = attentionInputs(c, 11);
      expectMatchesHost(Attention, inputs, attrs, 1e-6, 1e-5);
      const out = tf.engine().runKernel(hostName(Attention), inputs, attrs) as tf.Tensor;
      const dy = normal(out.shape, 17);
      expectMatchesHost(AttentionGrad, { ...inputs, out, dy }, attrs, 1e-5, 1e-4);
      tf.dispose([...new Set(Object.values(inputs)), out, dy]);
    });

    it('never allocates a [B, H, T, T]-sized buffer: blocks are bounded', () => {
      const c: Case = { name: 'long', batch: 2, tq: 256, heads: 4, kvHeads: 2, headDim: 8 };
      const { inputs, attrs } = attentionInputs(c, 23);
      const backend = tf.backend() as unknown as {
        makeOutput: (shape: number[], ...rest: unknown[]) => unknown;
      };
      const original = backend.makeOutput;
      let largest = 0;
      backend.makeOutput = function (shape: number[], ...rest: unknown[]) {
        largest = Math.max(largest, tf.util.sizeFromShape(shape));
        return original.call(this, shape, ...rest);
      };
      try {
        const out = tf.engine().runKernel(Attention, inputs, attrs) as tf.Tensor;
        const grads = tf.engine().runKernel(AttentionGrad, { ...inputs, out, dy: out }, attrs) as tf.Tensor[];
        tf.dispose([out, ...grads]);
      } finally {
        backend.makeOutput = original;
      }
      // The largest buffers are the outputs ([B*T, H*D]) and one block's scores (64 queries x 2 heads x
      // at most 256 keys); the full probabilities would be B*H*T*T.
      expect(largest).toBeLessThanOrEqual(Math.max(c.batch * c.tq * c.heads * c.headDim, 64 * 2 * 256));
      expect(largest).toBeLessThan((c.batch * c.heads * c.tq * c.tq) / 8);
      tf.dispose([...new Set(Object.values(inputs))]);
    });
  });

  describe('CrossEntropy, TokenLogprobs and their gradients', () => {
    const IGNORE = -100;
    function logitsCase(
      n: number,
      vocab: number,
      seed: number,
      std: number,
      ignored: (row: number) => boolean,
    ) {
      const logits = normal([n, vocab], seed, std);
      const labels = tf.tensor1d(
        Array.from({ length: n }, (_, row) => (ignored(row) ? IGNORE : (row * 7919 + 3) % vocab)),
        'int32',
      );
      return { logits, labels };
    }

    it.each([
      { name: 'one softmax chunk', n: 33, vocab: 500, std: 3, ignored: (r: number) => r % 5 === 0 },
      // 2^18 classes: 4 rows per chunk, so 10 rows take three chunks (the last one short).
      { name: 'several chunks', n: 10, vocab: 1 << 18, std: 2, ignored: (r: number) => r === 4 },
      { name: 'every row ignored', n: 6, vocab: 50, std: 1, ignored: () => true },
      // Probabilities of e^-150 underflow float32: those rows take the exact float64 path.
      { name: 'labels far below the max logit', n: 12, vocab: 64, std: 60, ignored: () => false },
      { name: 'no rows', n: 0, vocab: 16, std: 1, ignored: () => false },
    ])('$name: equal the JS kernels', ({ n, vocab, std, ignored }) => {
      const { logits, labels } = logitsCase(n, vocab, 31, std, ignored);
      for (const reduction of ['mean', 'sum'] as const) {
        const attrs = { ignoreIndex: IGNORE, reduction };
        expectMatchesHost(CrossEntropy, { logits, labels }, attrs, 1e-5, 1e-5);
        const dy = tf.scalar(reduction === 'mean' ? 1.5 : -0.25);
        expectMatchesHost(CrossEntropyGrad, { logits, labels, dy }, attrs, 1e-7, 1e-5);
        dy.dispose();
      }
      const attrs = { ignoreIndex: IGNORE };
      expectMatchesHost(TokenLogprobs, { logits, labels }, attrs, 1e-5, 1e-5);
      const dy = normal([n], 37);
      expectMatchesHost(TokenLogprobsGrad, { logits, labels, dy }, attrs, 1e-7, 1e-5);
      tf.dispose([logits, labels, dy]);
    });

    it('rejects a label outside [0, V) with the JS kernels message, freeing everything', () => {
      const logits = normal([3, 5], 41);
      const labels = tf.tensor1d([0, 7, 1], 'int32');
      const dy = tf.scalar(1);
      const attrs = { ignoreIndex: IGNORE, reduction: 'mean' };
      const buffers = tf.memory().numDataBuffers;
      expect(() => tf.engine().runKernel(CrossEntropy, { logits, labels }, attrs)).toThrow(
        'CrossEntropy: label 7 at row 1 is outside [0, 5) and is not ignoreIndex (-100)',
      );
      expect(() => tf.engine().runKernel(CrossEntropyGrad, { logits, labels, dy }, attrs)).toThrow(
        /CrossEntropyGrad: label 7 at row 1/,
      );
      expect(() => tf.engine().runKernel(TokenLogprobs, { logits, labels }, attrs)).toThrow(
        /TokenLogprobs: label 7 at row 1/,
      );
      expect(tf.memory().numDataBuffers).toBe(buffers);
      tf.dispose([logits, labels, dy]);
    });
  });

  describe('RmsNorm, Swiglu, LoraLinear and their gradients', () => {
    it.each([[[64, 96]], [[3, 5, 40]], [[17]], [[0, 8]]])(
      'RmsNorm on x %j equals the JS kernels',
      (shape) => {
        const width = shape.at(-1)!;
        const x = normal(shape, 51, 2);
        const weight = normal([width], 52);
        const dy = normal(shape, 53);
        for (const eps of [1e-6, 0.5]) {
          expectMatchesHost(RmsNorm, { x, weight }, { eps }, 1e-6, 1e-5);
          expectMatchesHost(RmsNormGrad, { dy, x, weight }, { eps }, 1e-5, 1e-4);
        }
        tf.dispose([x, weight, dy]);
      },
    );

    it('Swiglu equals the JS kernels, including saturated gates', () => {
      const gate = tf.concat([normal([500], 61, 4), tf.tensor1d([-100, -30, 0, 30, 100])]);
      const up = normal([505], 62);
      const dy = normal([505], 63);
      expectMatchesHost(Swiglu, { gate, up }, {}, 1e-6, 1e-5);
      expectMatchesHost(SwigluGrad, { dy, gate, up }, {}, 1e-6, 1e-5);
      tf.dispose([gate, up, dy]);
    });

    it.each([
      { bias: false, dropoutRate: 0 },
      { bias: true, dropoutRate: 0.25 },
    ])('LoraLinear (bias $bias, dropout $dropoutRate) equals the JS kernels', ({ bias, dropoutRate }) => {
      const [t, inF, outF, r] = [24, 40, 36, 4];
      const x = normal([t, inF], 71);
      const weight = normal([outF, inF], 72, 0.2);
      const loraA = normal([r, inF], 73, 0.2);
      const loraB = normal([outF, r], 74, 0.2);
      const b = normal([outF], 75);
      const attrs = { scale: 2, dropoutRate, key0: 123, key1: 456, offset: 7 };
      const inputs: tf.NamedTensorMap = { x, weight, loraA, loraB, ...(bias ? { bias: b } : {}) };
      expectMatchesHost(LoraLinear, inputs, attrs, 1e-5, 1e-4);
      const forward = tf.engine().runKernel(hostName(LoraLinear), inputs, attrs) as tf.Tensor[];
      const dy = normal([t, outF], 76);
      expectMatchesHost(LoraLinearGrad, { dy, x, weight, loraA, loraB, xa: forward[1]! }, attrs, 1e-5, 1e-4);
      tf.dispose([x, weight, loraA, loraB, b, dy, ...forward]);
    });
  });
});
