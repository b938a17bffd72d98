// The one place that loads tfjs-core. Gradient registrations are a separate module in tfjs-core
// (not loaded by its main entry); tsup bundles it, see tsup.config.ts.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';

export { tf };
export type Tensor = tf.Tensor;
export type TensorInfo = tf.TensorInfo;
