import { tf } from '../tf.js';
import { Attention, AttentionGrad } from '../kernel-names.js';

/**
 * Gradient of Attention: saves q, k, v, the mask, the segment ids and the output only; AttentionGrad
 * recomputes the probabilities. The backward kernel runs eagerly here because it has three outputs, and
 * the engine runs each input's closure in its own tidy (sibling outputs made inside one closure would be
 * freed).
 */
export const attentionGradConfig: tf.GradConfig = {
  kernelName: Attention,
  inputsToSave: ['q', 'k', 'v', 'attentionMask', 'segmentIds'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [q, k, v, attentionMask, segmentIds, out] = saved as [
      tf.Tensor,
      tf.Tensor,
      tf.Tensor,
      tf.Tensor,
      tf.Tensor,
      tf.Tensor,
    ];
    const [dq, dk, dv] = tf
      .engine()
      .runKernel(
        AttentionGrad,
        { q, k, v, attentionMask, segmentIds, out, dy: dy as tf.Tensor },
        attrs,
      ) as tf.Tensor[];
    return {
      q: () => dq!,
      k: () => dk!,
      v: () => dv!,
      // Integer inputs have no gradient (asked for only if they derive from a variable).
      attentionMask: () => tf.zeros(attentionMask.shape),
      segmentIds: () => tf.zeros(segmentIds.shape),
    };
  },
};
