import type { SafetensorsArray } from '@medgpt/core-tensor';
import type { QuantizedWeight } from '../model/quantized-weight.js';
import type { CheckpointSource } from './checkpoint-source.js';
import type { ParameterSpec } from './parameter-specs.js';

/**
 * Reads parameters stored in another form than a float tensor (a quantised checkpoint: @medgpt/quant's
 * bitsandbytes reader dequantises its weights here), for `loadModel` / `loadWeights`. The loader still
 * checks what `read` returns (a float dtype, the parameter's shape) and rounds it to the model's dtype.
 */
export interface WeightReader {
  /**
   * Whether checkpoint tensor `name` is part of a parameter this reader reads (a quantised weight's
   * statistics such as `<weight>.absmax`), so it is not an unexpected tensor.
   */
  ownsTensor(name: string): boolean;
  /**
   * Parameter `name` from `checkpoint` as float data of the parameter's shape, or as quantised storage
   * the model keeps (a decoder linear weight; QLoRA's base), or undefined to read it as the plain float
   * tensor it is. `spec` is the parameter as the config defines it (shape, kind).
   */
  read(
    name: string,
    checkpoint: CheckpointSource,
    spec: ParameterSpec,
  ): Promise<SafetensorsArray | QuantizedWeight | undefined>;
}
