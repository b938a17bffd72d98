import { tf } from '../tf.js';
import { RmsNorm, RmsNormGrad } from '../kernel-names.js';

/** Gradient of RmsNorm: one RmsNormGrad launch gives dx and dweight. */
export const rmsNormGradConfig: tf.GradConfig = {
  kernelName: RmsNorm,
  inputsToSave: ['x', 'weight'],
  gradFunc: (dy, saved, attrs) => {
    const [x, weight] = saved;
    // Run eagerly, not inside the closures: the engine tidies each closure on its own, which would
    // dispose the sibling output (tfjs-engine-findings.md §11, obstacle 2).
    const [dx, dWeight] = tf
      .engine()
      .runKernel(RmsNormGrad, { dy: dy as tf.Tensor, x: x!, weight: weight! }, attrs) as tf.Tensor[];
    return { x: () => dx!, weight: () => dWeight! };
  },
};
