import { registerHostKernel, type HostKernelImpl } from './js-kernel.js';
import { inverseRms, type RmsNormAttrs } from './RmsNorm.js';
import { rmsNormGradWasmKernel } from './wasm/RmsNorm.js';

/**
 * Kernel name: backward of RmsNorm. Inputs `dy` (shaped like x), `x`, `weight` [H]; attrs as RmsNorm.
 * Outputs [dx shaped like x, dweight [H]]. The row's 1/rms is recomputed rather than saved by the
 * forward, so the forward stays a one-output kernel.
 */
export const RmsNormGrad = 'RmsNormGrad';

// With r = 1/rms(x), n = x * r and g = dy * w:  dx = r * (g - n * mean(g * n)),  dw = sum_rows(dy * n).
export const rmsNormGradHostKernel: HostKernelImpl = ({ dy, x, weight }, attrs) => {
  const { eps } = attrs as RmsNormAttrs;
  const dys = dy!.values as Float32Array;
  const xs = x!.values as Float32Array;
  const w = weight!.values as Float32Array;
  const width = w.length;
  const dx = new Float32Array(xs.length);
  const dw = new Float64Array(width);
  for (let off = 0; off < xs.length; off += width) {
    const r = inverseRms(xs, off, width, eps);
    let dotGn = 0;
    for (let j = 0; j < width; j++) {
      const n = xs[off + j]! * r;
      const d = dys[off + j]!;
      dotGn += d * w[j]! * n;
      dw[j] += d * n;
    }
    const meanGn = dotGn / width;
    for (let j = 0; j < width; j++) {
      dx[off + j] = r * (dys[off + j]! * w[j]! - xs[off + j]! * r * meanGn);
    }
  }
  return [
    { values: dx, shape: x!.shape },
    { values: Float32Array.from(dw), shape: weight!.shape },
  ];
};

registerHostKernel(RmsNormGrad, rmsNormGradHostKernel, { wasm: rmsNormGradWasmKernel });
