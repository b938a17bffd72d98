// GroupedMatMul (core-tensor's groupedMatMul) over csrc/GroupedMatMul.cu: one launch for every group,
// the group sizes read on the device (no host sync). With the bf16 matmul precision the operands are the
// tensors' bf16 copies (a frozen expert weight is converted once) and the products run on tensor cores
// with fp32 accumulation; with fp32/tf32, in fp32.
import { GroupedMatMul, tf, type GroupedMatMulAttrs } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import type { DeviceFunction } from '../runtime/device-function.js';
import { filled } from './Fill.js';
import { cudaBackend, requireFloat32 } from './launch-config.js';

/** Rows and columns of a block's output tile (csrc: GM_BM/GM_BN for bf16, GF_TILE for fp32). */
export const groupedTile = (bf16: boolean) => (bf16 ? 128 : 64);

export function requireGroupSizes(kernel: string, sizes: tf.TensorInfo, groups: number): void {
  if (sizes.dtype !== 'int32' || sizes.shape.length !== 1 || sizes.shape[0] !== groups) {
    throw new RangeError(
      `cuda ${kernel}: groupSizes must be int32 [${groups}], got ${sizes.dtype} [${sizes.shape}]`,
    );
  }
}

function forwardKernel(backend: CudaBackend, bf16: boolean, trans: boolean, vec: boolean): DeviceFunction {
  const r = backend.runtime;
  if (!bf16)
    return trans ? r.fn('GroupedMatMul', 'grouped_mm_f32_nt') : r.fn('GroupedMatMul', 'grouped_mm_f32_nn');
  if (trans)
    return vec
      ? r.fn('GroupedMatMul', 'grouped_mm_bf16_nt_vec')
      : r.fn('GroupedMatMul', 'grouped_mm_bf16_nt');
  return vec ? r.fn('GroupedMatMul', 'grouped_mm_bf16_nn_vec') : r.fn('GroupedMatMul', 'grouped_mm_bf16_nn');
}

export const groupedMatMulConfig: tf.KernelConfig = {
  kernelName: GroupedMatMul,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { x, weight, groupSizes } = inputs as Record<'x' | 'weight' | 'groupSizes', tf.TensorInfo>;
    const { transposeWeight } = attrs as GroupedMatMulAttrs;
    requireFloat32(GroupedMatMul, 'x', x);
    requireFloat32(GroupedMatMul, 'weight', weight);
    const [rows, q] = x.shape as [number, number];
    const [groups, w1, w2] = weight.shape as [number, number, number];
    const p = transposeWeight ? w1 : w2;
    if (x.shape.length !== 2 || weight.shape.length !== 3 || (transposeWeight ? w2 : w1) !== q) {
      throw new RangeError(
        `cuda GroupedMatMul: x [${x.shape}] and weight [${weight.shape}] (transposeWeight ${transposeWeight}) do not fit`,
      );
    }
    requireGroupSizes(GroupedMatMul, groupSizes, groups);
    if (rows * p === 0) return backend.makeTensorInfo([rows, p], 'float32');
    if (q === 0 || groups === 0) return filled(backend, [rows, p], 'float32', 0);
    const y = backend.makeTensorInfo([rows, p], 'float32');
    const bf16 = backend.runtime.matmul.precision === 'bf16';
    const vec = q % 8 === 0 && (transposeWeight || p % 8 === 0);
    const tile = groupedTile(bf16);
    forwardKernel(backend, bf16, transposeWeight, vec).launch(
      backend.runtime.stream,
      [Math.ceil(rows / tile) + groups, Math.ceil(p / tile), 1],
      256,
      0,
      [
        bf16 ? backend.bf16(x) : backend.pointer(x),
        bf16 ? backend.bf16(weight) : backend.pointer(weight),
        backend.pointer(groupSizes),
        backend.pointer(y),
        rows,
        q,
        p,
        groups,
      ],
    );
    return y;
  },
};
