import { tf } from '../tf.js';

/**
 * tf.fused.matMul's activations and the elementwise kernel that applies each: every backend's
 * _FusedMatMul runs its product (and bias), then this kernel.
 */
export const FUSED_MAT_MUL_ACTIVATIONS: Readonly<Record<string, string>> = {
  relu: tf.Relu,
  relu6: tf.Relu6,
  elu: tf.Elu,
  sigmoid: tf.Sigmoid,
  leakyrelu: tf.LeakyRelu,
  prelu: tf.Prelu,
};
