import { tf } from '../tf.js';
import { broadcastOverAxes } from './Sum_grad.js';

/** Gradient of tfjs's Mean: dy broadcast back over the averaged axes, over their size (no host ones). */
export const meanGradConfig: tf.GradConfig = {
  kernelName: tf.Mean,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const axis = (attrs as unknown as tf.MeanAttrs).axis;
    const size = tf.util.parseAxisParam(axis, x!.shape).reduce((n, a) => n * x!.shape[a]!, 1);
    return { x: () => tf.div(broadcastOverAxes(dy as tf.Tensor, x!.shape, axis), size) };
  },
};
