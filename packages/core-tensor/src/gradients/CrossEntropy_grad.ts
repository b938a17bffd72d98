import { tf } from '../tf.js';
import { CrossEntropy, CrossEntropyGrad } from '../kernel-names.js';

/** Gradient of CrossEntropy: one CrossEntropyGrad kernel over the saved logits and labels. */
export const crossEntropyGradConfig: tf.GradConfig = {
  kernelName: CrossEntropy,
  inputsToSave: ['logits', 'labels'],
  gradFunc: (dy, saved, attrs) => {
    const [logits, labels] = saved as [tf.Tensor, tf.Tensor];
    return {
      logits: () =>
        tf.engine().runKernel(CrossEntropyGrad, { logits, labels, dy: dy as tf.Tensor }, attrs) as tf.Tensor,
      // Integer labels have no gradient (asked for only if they derive from a variable).
      labels: () => tf.zeros(labels.shape),
    };
  },
};
