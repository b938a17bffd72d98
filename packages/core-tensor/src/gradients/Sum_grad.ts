import { tf } from '../tf.js';

/**
 * Gradient of tfjs's Sum: dy broadcast back over the summed axes. tfjs's own multiplies by
 * `tf.ones(x.shape)`, an array filled on the host and uploaded on every backward (128 MiB a step for a
 * mixture of experts' [tokens, k, hidden] sum); a broadcast is one device kernel.
 */
export const sumGradConfig: tf.GradConfig = {
  kernelName: tf.Sum,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const dx = broadcastOverAxes(dy as tf.Tensor, x!.shape, (attrs as unknown as tf.SumAttrs).axis);
    return { x: () => dx };
  },
};

/** dy (the reduction's result) reshaped with size-1 reduced axes and broadcast to `shape`. */
export function broadcastOverAxes(dy: tf.Tensor, shape: number[], axis: number | number[]): tf.Tensor {
  const expanded = shape.slice();
  for (const a of tf.util.parseAxisParam(axis, shape)) expanded[a] = 1;
  return tf.broadcastTo(tf.reshape(dy, expanded), shape);
}
