// GroupedMatMulWeightGrad (GroupedMatMul's weight gradient) over csrc/GroupedMatMul.cu: one launch,
// a block per output tile and group, summing over the group's rows (sizes read on the device).
import { GroupedMatMulWeightGrad, tf } from '@medgpt/core-tensor';
import { filled } from './Fill.js';
import { groupedTile, requireGroupSizes } from './GroupedMatMul.js';
import { cudaBackend, requireFloat32 } from './launch-config.js';

export const groupedMatMulWeightGradConfig: tf.KernelConfig = {
  kernelName: GroupedMatMulWeightGrad,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b }) => {
    const backend = cudaBackend(b);
    const { a, b: bb, groupSizes } = inputs as Record<'a' | 'b' | 'groupSizes', tf.TensorInfo>;
    requireFloat32(GroupedMatMulWeightGrad, 'a', a);
    requireFloat32(GroupedMatMulWeightGrad, 'b', bb);
    const [rows, m] = a.shape as [number, number];
    const n = bb.shape[1]!;
    if (a.shape.length !== 2 || bb.shape.length !== 2 || bb.shape[0] !== rows) {
      throw new RangeError(
        `cuda GroupedMatMulWeightGrad: a [${a.shape}] and b [${bb.shape}] must be [rows, m], [rows, n]`,
      );
    }
    const groups = groupSizes.shape[0] ?? 0;
    requireGroupSizes(GroupedMatMulWeightGrad, groupSizes, groups);
    const shape = [groups, m, n];
    if (groups * m * n === 0) return backend.makeTensorInfo(shape, 'float32');
    if (rows === 0) return filled(backend, shape, 'float32', 0);
    const out = backend.makeTensorInfo(shape, 'float32');
    const bf16 = backend.runtime.matmul.precision === 'bf16';
    const tile = groupedTile(bf16);
    const r = backend.runtime;
    const fn = !bf16
      ? r.fn('GroupedMatMul', 'grouped_mm_wgrad_f32')
      : m % 8 === 0 && n % 8 === 0
        ? r.fn('GroupedMatMul', 'grouped_mm_wgrad_bf16_vec')
        : r.fn('GroupedMatMul', 'grouped_mm_wgrad_bf16');
    fn.launch(r.stream, [Math.ceil(n / tile), Math.ceil(m / tile), groups], 256, 0, [
      bf16 ? backend.bf16(a) : backend.pointer(a),
      bf16 ? backend.bf16(bb) : backend.pointer(bb),
      backend.pointer(groupSizes),
      backend.pointer(out),
      rows,
      m,
      n,
    ]);
    return out;
  },
};
