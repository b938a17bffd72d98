import { GroupedMatMulWeightGrad } from '../kernel-names.js';
import { groupOffsets } from './GroupedMatMul.js';
import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';

/**
 * Inputs `a` [rows, m], `b` [rows, n], `groupSizes` int32 [E]. Output [E, m, n]: out[e] = a_eᵀ b_e over
 * group e's rows (zeros for an empty group). Float64 sums over float32 storage.
 */
export const groupedMatMulWeightGradHostKernel: HostKernelImpl = ({ a, b, groupSizes }) => {
  const av = a!.values as Float32Array;
  const bv = b!.values as Float32Array;
  const [rows, m] = a!.shape as [number, number];
  const n = b!.shape[1]!;
  const offsets = groupOffsets(GroupedMatMulWeightGrad, groupSizes!.values as Int32Array, rows);
  const experts = offsets.length - 1;
  const out = new Float32Array(experts * m * n);
  const acc = new Float64Array(m * n);
  for (let e = 0; e < experts; e++) {
    acc.fill(0);
    for (let r = offsets[e]!; r < offsets[e + 1]!; r++) {
      for (let i = 0; i < m; i++) {
        const ai = av[r * m + i]!;
        for (let j = 0; j < n; j++) acc[i * n + j]! += ai * bv[r * n + j]!;
      }
    }
    out.set(acc, e * m * n);
  }
  return { values: out, shape: [experts, m, n] };
};

export const groupedMatMulWeightGradConfig: HostKernelConfig = {
  kernelName: GroupedMatMulWeightGrad,
  kernelFunc: hostKernelFunc(groupedMatMulWeightGradHostKernel),
};
