import { tf } from '@medgpt/core-tensor';
import { PeftError } from '../peft-error.js';

/**
 * A new variable named as peft names the parameter in memory (`base_model.model.<module>.lora_A.<adapter>.weight`),
 * which keeps optimizer state keyed by meaningful, stable names. tfjs variable names are global: a clash
 * (two live adapters of one name on models with the same layout) is refused with a hint.
 */
export function adapterVariable(
  value: tf.Tensor,
  name: string,
  trainable: boolean,
  adapter: string,
): tf.Variable {
  const registered = (tf.engine() as unknown as { registeredVariables: Record<string, unknown> })
    .registeredVariables;
  if (registered[name] !== undefined) {
    throw new PeftError(
      `adapter '${adapter}'`,
      name,
      'a tf.Variable of this name already exists (another live adapter of the same name?); dispose it or choose another adapter name',
    );
  }
  return tf.variable(value, trainable, name);
}

/** peft's in-memory parameter name of an adapter tensor. */
export function loraVariableName(
  module: string,
  kind: 'lora_A' | 'lora_B' | 'lora_magnitude_vector',
  adapter: string,
): string {
  return `base_model.model.${module}.${kind}.${adapter}.weight`;
}

/** peft's in-memory name of a module-to-save or trained-bias copy. */
export function savedParameterVariableName(param: string, adapter: string): string {
  const dot = param.lastIndexOf('.');
  return `base_model.model.${param.slice(0, dot)}.modules_to_save.${adapter}.${param.slice(dot + 1)}`;
}
