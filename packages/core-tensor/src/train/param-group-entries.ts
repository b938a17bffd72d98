import { tf } from '../tf.js';
import { checkOption, type ParamGroup } from './optimizer.js';

/** A parameter with the weight decay of its group. */
export interface ParamEntry {
  variable: tf.Variable;
  weightDecay: number;
}

/**
 * The optimizer's parameters as groups of entries, validated for Optimizer's constructor: a flat
 * list is one group; every parameter is a float32 tf.Variable appearing once; a group's weightDecay
 * (default `weightDecay`) is >= 0. Errors name `kind`.
 */
export function paramGroupEntries(
  kind: string,
  params: tf.Variable[] | ParamGroup[],
  weightDecay: number,
): ParamEntry[][] {
  checkOption(kind, 'weightDecay', weightDecay, weightDecay >= 0, 'a number >= 0');
  const groups: ParamGroup[] =
    params.length > 0 && params[0] instanceof tf.Variable
      ? [{ params: params as tf.Variable[] }]
      : (params as ParamGroup[]);
  const seen = new Set<string>();
  return groups.map((group, i) => {
    const wd = group.weightDecay ?? weightDecay;
    checkOption(kind, `groups[${i}].weightDecay`, wd, wd >= 0, 'a number >= 0');
    return group.params.map((variable) => {
      if (!(variable instanceof tf.Variable)) {
        throw new TypeError(`${kind}: groups[${i}].params holds a ${typeof variable}; expected tf.Variable`);
      }
      if (variable.dtype !== 'float32') {
        throw new TypeError(`${kind}: parameter '${variable.name}' is ${variable.dtype}; expected float32`);
      }
      if (seen.has(variable.name))
        throw new Error(`${kind}: parameter '${variable.name}' appears more than once`);
      seen.add(variable.name);
      return { variable, weightDecay: wd };
    });
  });
}
