import { tf } from '../tf.js';
import { valueAndGradients } from './value-and-gradients.js';

export interface ValueAndGrads {
  value: tf.Scalar;
  /** Gradient per variable name, for the trainable variables the value depends on. */
  grads: tf.NamedTensorMap;
}

/**
 * The training step's backward: a drop-in for tf.variableGrads(f, variables) with the same results and
 * the same contract (f returns a scalar; variables the value does not depend on get no entry; default:
 * every trainable variable), except that non-trainable variables get no entry either (tfjs lists those
 * it was given with null, which optimizers would trip over), computed by the memory-frugal
 * backward driver (valueAndGradients). The caller owns value and grads.
 */
export function valueAndGrads(f: () => tf.Scalar, variables?: tf.Variable[]): ValueAndGrads {
  const all = variables ?? Object.values(tf.engine().registeredVariables);
  const trainable = all.filter((v) => v.trainable);
  if (trainable.length === 0) {
    throw new Error(
      `valueAndGrads: none of the ${all.length} variables is trainable; pass the variables to train`,
    );
  }
  const { value, grads } = valueAndGradients(f, trainable);
  const named: tf.NamedTensorMap = {};
  trainable.forEach((v, i) => {
    const g = grads[i];
    if (g != null) named[v.name] = g;
  });
  if (value.rank !== 0 || Object.keys(named).length === 0) {
    tf.dispose([value, ...Object.values(named)]);
    throw new Error(
      value.rank !== 0
        ? `valueAndGrads: f must return a scalar, but returned a rank-${value.rank} tensor`
        : 'valueAndGrads: the value depends on none of the variables; make sure f runs every op ' +
            'between the variables and the value',
    );
  }
  return { value: value as tf.Scalar, grads: named };
}
