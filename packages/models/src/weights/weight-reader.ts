import type { SafetensorsArray, SafetensorsCheckpoint } from '@medgpt/core-tensor';

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
   * Parameter `name` from `checkpoint` as float data of the parameter's shape, or undefined to read it
   * as the plain float tensor it is.
   */
  read(name: string, checkpoint: SafetensorsCheckpoint): Promise<SafetensorsArray | undefined>;
}
