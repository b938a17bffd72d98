import { tf } from '../tf.js';
import { LoraLinear, LoraLinearGrad } from '../kernel-names.js';

/**
 * Gradient of LoraLinear: one LoraLinearGrad launch gives dx, dA and dB. Saved: x, the weight (an alias,
 * no copy) and the adapter factors, plus the forward's second output xa = drop(x) Aᵀ [T, r]; the
 * dropout mask is regenerated, never stored. The weight's and bias's gradients are closures the engine
 * calls only when they are trained variables (full fine-tuning, peft's bias="all"); a frozen base
 * weight is pruned from the tape and costs nothing.
 */
export const loraLinearGradConfig: tf.GradConfig = {
  kernelName: LoraLinear,
  inputsToSave: ['x', 'weight', 'loraA', 'loraB'],
  outputsToSave: [false, true],
  gradFunc: (dys, saved, attrs) => {
    // dys[1] is the zeros tfjs makes for the unused xa output.
    const dy = (dys as tf.Tensor[])[0]!;
    const [x, weight, loraA, loraB, xa] = saved;
    // Eager, not inside the closures: the engine tidies each closure on its own, which would dispose
    // the sibling outputs (tfjs-engine-findings.md §11, obstacle 2).
    const [dx, dA, dB] = tf
      .engine()
      .runKernel(
        LoraLinearGrad,
        { dy, x: x!, weight: weight!, loraA: loraA!, loraB: loraB!, xa: xa! },
        attrs,
      ) as tf.Tensor[];
    return {
      x: () => dx!,
      loraA: () => dA!,
      loraB: () => dB!,
      weight: () => tf.matMul(dy, x!, true, false),
      bias: () => tf.sum(dy, 0),
    };
  },
};
