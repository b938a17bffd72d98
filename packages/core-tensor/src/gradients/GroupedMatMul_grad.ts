import { GroupedMatMul, type GroupedMatMulAttrs } from '../kernel-names.js';
import { groupedMatMul, groupedMatMulWeightGrad } from '../ops/grouped-mat-mul.js';
import { tf } from '../tf.js';

/**
 * Gradient of GroupedMatMul. Each closure is one kernel of its own, run only when the engine asks for
 * it: dx is a GroupedMatMul of dy with the other weight orientation, the weight's gradient a
 * GroupedMatMulWeightGrad (per expert dyᵀ x, or xᵀ dy), so a frozen expert weight (LoRA on attention)
 * is pruned from the tape and costs nothing. The sizes get zeros.
 */
export const groupedMatMulGradConfig: tf.GradConfig = {
  kernelName: GroupedMatMul,
  inputsToSave: ['x', 'weight', 'groupSizes'],
  gradFunc: (dy, saved, attrs) => {
    const [x, weight, groupSizes] = saved as [tf.Tensor2D, tf.Tensor3D, tf.Tensor1D];
    const d = dy as tf.Tensor2D;
    const { transposeWeight } = attrs as GroupedMatMulAttrs;
    return {
      x: () => groupedMatMul(d, weight, groupSizes, !transposeWeight),
      weight: () =>
        transposeWeight
          ? groupedMatMulWeightGrad(d, x, groupSizes)
          : groupedMatMulWeightGrad(x, d, groupSizes),
      groupSizes: () => tf.zerosLike(groupSizes),
    };
  },
};
