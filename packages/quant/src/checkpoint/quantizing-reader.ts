import { castSafetensorsArray } from '@medgpt/core-tensor';
import { isQuantizableParameter, type WeightReader } from '@medgpt/models';
import { bnbQuantizedWeight } from '../bnb/bnb-quantized-weight.js';
import { quantizeBnbWeight } from '../bnb/bnb-weight.js';
import { checkKbitOptions, type KbitOptions } from './kbit-options.js';
import { STORED_WEIGHT_DTYPE } from './stored-weight-dtype.js';

/**
 * A `WeightReader` for @medgpt/models' `loadModel` that quantises a float checkpoint's decoder Linear
 * weights as they load, as transformers does with a BitsAndBytesConfig (QLoRA's base): each weight is
 * read, rounded to the dtype, quantised bit-exactly as bitsandbytes does and stored packed on the
 * backend, one tensor at a time, so a 7B checkpoint never sits in float32 in memory. Embeddings, heads,
 * norms and biases load as float tensors.
 */
export function quantizingReader(options: KbitOptions): WeightReader {
  checkKbitOptions(options, 'quantizingReader');
  return {
    ownsTensor: () => false,
    async read(name, checkpoint, spec) {
      if (!isQuantizableParameter(spec)) return undefined;
      const array = await checkpoint.readArray(name);
      // A tensor of the wrong shape goes back as it is: the loader names it and both shapes.
      if (array.shape.length !== 2 || array.shape.some((d, i) => d !== spec.shape[i])) return array;
      const place = { file: checkpoint.fileFor(name), tensor: name };
      const values = castSafetensorsArray(array, 'F32', place).data as Float32Array;
      const dtype = options.dtype ?? STORED_WEIGHT_DTYPE[array.dtype] ?? 'float32';
      const w = quantizeBnbWeight(
        values,
        array.shape,
        options.bits === 4
          ? {
              bits: 4,
              quantType: options.quantType ?? 'fp4',
              compressStatistics: options.doubleQuant ?? false,
              blocksize: options.blocksize,
              dtype,
              name,
            }
          : { bits: 8, name },
      );
      return bnbQuantizedWeight(w);
    },
  };
}
