import { tf } from '../tf.js';
import { PhiloxDropout } from '../kernel-names.js';

/** d(x * mask) / dx = mask: the same kernel with the same attrs, applied to dy. Nothing is saved. */
export const philoxDropoutGradConfig: tf.GradConfig = {
  kernelName: PhiloxDropout,
  gradFunc: (dy, _saved, attrs) => ({
    x: () => tf.engine().runKernel(PhiloxDropout, { x: dy as tf.Tensor }, attrs) as tf.Tensor,
  }),
};
