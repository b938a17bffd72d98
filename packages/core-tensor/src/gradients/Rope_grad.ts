import { tf } from '../tf.js';
import { Rope, RopeGrad } from '../kernel-names.js';

/**
 * Gradient of Rope with respect to q and k: one RopeGrad launch. Only the positions are saved; the
 * rotation needs neither q nor k.
 */
export const ropeGradConfig: tf.GradConfig = {
  kernelName: Rope,
  inputsToSave: ['positions'],
  gradFunc: (dys, saved, attrs) => {
    const [dyQ, dyK] = dys as tf.Tensor[];
    const [positions] = saved;
    // Eager for the same reason as RmsNorm_grad.ts: both outputs must outlive each closure's tidy.
    const [dq, dk] = tf
      .engine()
      .runKernel(RopeGrad, { dyQ: dyQ!, dyK: dyK!, positions: positions! }, attrs) as tf.Tensor[];
    return {
      q: () => dq!,
      k: () => dk!,
      // Integer positions have no gradient (asked for only if they derive from a variable).
      positions: () => tf.zeros(positions!.shape),
    };
  },
};
