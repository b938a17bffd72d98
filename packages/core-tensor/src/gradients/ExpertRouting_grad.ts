import { ExpertRouting } from '../kernel-names.js';
import { tf } from '../tf.js';

/** ExpertRouting's outputs are integers: the probabilities get a zero gradient (as tfjs's ArgMax). */
export const expertRoutingGradConfig: tf.GradConfig = {
  kernelName: ExpertRouting,
  inputsToSave: ['probs'],
  gradFunc: (_dy, saved) => ({ probs: () => tf.zerosLike(saved[0]!) }),
};
