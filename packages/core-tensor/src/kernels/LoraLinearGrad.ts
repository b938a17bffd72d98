import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';
import { applyDropout, matMul2d } from './lora-linear-host-math.js';
import { LoraLinearGrad, type LoraLinearAttrs } from '../kernel-names.js';

// With h = drop(x), xa = h Aᵀ and y = x Wᵀ + s · xa Bᵀ:
//   dxa = s · dy B,  dB = s · dyᵀ xa,  dA = dxaᵀ h,  dx = dy W + drop(dxa A)
// (dropout's derivative is the same mask and 1 / (1 - rate) scale, so `applyDropout` applies it).
export const loraLinearGradHostKernel: HostKernelImpl = ({ dy, x, weight, loraA, loraB, xa }, attrs) => {
  const { scale, dropoutRate, key0, key1, offset } = attrs as LoraLinearAttrs;
  const stream = { rate: dropoutRate, key0, key1, offset };
  const [t, inF] = x!.shape as [number, number];
  const [outF] = weight!.shape as [number, number];
  const r = loraA!.shape[0]!;
  const g = dy!.values as Float32Array;
  const a = loraA!.values as Float32Array;
  const dxa = matMul2d(g, [t, outF], loraB!.values as Float32Array, [outF, r], false, false);
  for (let i = 0; i < dxa.length; i++) dxa[i] = dxa[i]! * scale;
  const dB = matMul2d(g, [t, outF], xa!.values as Float32Array, [t, r], true, false);
  for (let i = 0; i < dB.length; i++) dB[i] = dB[i]! * scale;
  const h = applyDropout(x!.values as Float32Array, stream);
  const dA = matMul2d(dxa, [t, r], h, [t, inF], true, false);
  const dh = applyDropout(matMul2d(dxa, [t, r], a, [r, inF], false, false), stream);
  const dx = matMul2d(g, [t, outF], weight!.values as Float32Array, [outF, inF], false, false);
  for (let i = 0; i < dx.length; i++) dx[i] = dx[i]! + dh[i]!;
  return [
    { values: dx, shape: [t, inF] },
    { values: dA, shape: [r, inF] },
    { values: dB, shape: [outF, r] },
  ];
};

export const loraLinearGradConfig: HostKernelConfig = {
  kernelName: LoraLinearGrad,
  kernelFunc: hostKernelFunc(loraLinearGradHostKernel),
};
