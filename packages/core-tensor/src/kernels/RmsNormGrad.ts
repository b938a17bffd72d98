import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';
import { inverseRms } from './RmsNorm.js';
import { RmsNormGrad, type RmsNormAttrs } from '../kernel-names.js';

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

export const rmsNormGradConfig: HostKernelConfig = {
  kernelName: RmsNormGrad,
  kernelFunc: hostKernelFunc(rmsNormGradHostKernel),
};
