import { tf } from '../tf.js';
import { TokenLogprobs, TokenLogprobsGrad } from '../kernel-names.js';

/** Gradient of TokenLogprobs: one TokenLogprobsGrad kernel over the saved logits and labels. */
export const tokenLogprobsGradConfig: tf.GradConfig = {
  kernelName: TokenLogprobs,
  inputsToSave: ['logits', 'labels'],
  gradFunc: (dy, saved, attrs) => {
    const [logits, labels] = saved as [tf.Tensor, tf.Tensor];
    return {
      logits: () =>
        tf.engine().runKernel(TokenLogprobsGrad, { logits, labels, dy: dy as tf.Tensor }, attrs) as tf.Tensor,
      // Integer labels have no gradient (asked for only if they derive from a variable).
      labels: () => tf.zeros(labels.shape),
    };
  },
};
