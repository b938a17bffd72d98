import { GroupedMatMul, type GroupedMatMulAttrs } from '../kernel-names.js';
import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';

/**
 * Where each group's rows start: offsets[e] = the sizes before e, offsets[E] = their sum. Throws on a
 * negative size or a sum above `rows` (a device kernel clamps instead).
 */
export function groupOffsets(kernel: string, sizes: Int32Array, rows: number): Int32Array {
  const offsets = new Int32Array(sizes.length + 1);
  for (let e = 0; e < sizes.length; e++) {
    if (sizes[e]! < 0) throw new RangeError(`${kernel}: groupSizes[${e}] is ${sizes[e]}; sizes must be >= 0`);
    offsets[e + 1] = offsets[e]! + sizes[e]!;
  }
  if (offsets[sizes.length]! > rows)
    throw new RangeError(`${kernel}: groupSizes sum to ${offsets[sizes.length]}, more than the ${rows} rows`);
  return offsets;
}

/**
 * Inputs `x` [rows, q], `weight` [E, p, q] (transposeWeight) or [E, q, p], `groupSizes` int32 [E].
 * Output y [rows, p]: row r of group e is x_r W_eᵀ (or x_r W_e); rows after the groups are 0. Float64
 * sums over float32 storage.
 */
export const groupedMatMulHostKernel: HostKernelImpl = ({ x, weight, groupSizes }, attrs) => {
  const { transposeWeight } = attrs as GroupedMatMulAttrs;
  const xs = x!.values as Float32Array;
  const w = weight!.values as Float32Array;
  const [rows, q] = x!.shape as [number, number];
  const p = transposeWeight ? weight!.shape[1]! : weight!.shape[2]!;
  const offsets = groupOffsets(GroupedMatMul, groupSizes!.values as Int32Array, rows);
  const y = new Float32Array(rows * p);
  for (let e = 0; e + 1 < offsets.length; e++) {
    const we = e * p * q;
    for (let r = offsets[e]!; r < offsets[e + 1]!; r++) {
      const xr = r * q;
      for (let j = 0; j < p; j++) {
        let sum = 0;
        if (transposeWeight) for (let i = 0; i < q; i++) sum += xs[xr + i]! * w[we + j * q + i]!;
        else for (let i = 0; i < q; i++) sum += xs[xr + i]! * w[we + i * p + j]!;
        y[r * p + j] = sum;
      }
    }
  }
  return { values: y, shape: [rows, p] };
};

export const groupedMatMulConfig: HostKernelConfig = {
  kernelName: GroupedMatMul,
  kernelFunc: hostKernelFunc(groupedMatMulHostKernel),
};
