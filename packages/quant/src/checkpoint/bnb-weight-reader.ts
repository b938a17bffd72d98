import type { CheckpointSource, WeightReader } from '@medgpt/models';
import { bnbQuantizedWeight } from '../bnb/bnb-quantized-weight.js';
import { dequantizeBnbWeight } from '../bnb/bnb-weight.js';
import { bnbFormatOf, readBnbWeight, type BnbTensorSource } from '../bnb/read-bnb-weight.js';

// The tensors transformers saves beside a bitsandbytes weight (see bnbWeightTensors).
const STATISTICS =
  /\.weight\.(absmax|quant_map|nested_absmax|nested_quant_map|quant_state\.bitsandbytes__(nf4|fp4))$|\.(SCB|weight_format)$/;

/** A view of a (sharded) checkpoint that names the file of weight `name` in errors. */
function sourceFor(ckpt: CheckpointSource, name: string): BnbTensorSource {
  return {
    path: ckpt.fileFor(name),
    names: ckpt.names,
    has: (n) => ckpt.has(n),
    info: (n) => ckpt.info(n),
    readArray: (n) => ckpt.readArray(n),
  };
}

/** Options of `bnbWeightReader`. */
export interface BnbWeightReaderOptions {
  /**
   * Keep each weight quantised (the model's linear layers then dequantise per matmul: QLoRA on a
   * bitsandbytes checkpoint) instead of dequantising it to float32 as it loads. Default false.
   */
  keepQuantized?: boolean;
}

/**
 * A `WeightReader` for @medgpt/models' `loadModel` that reads a bitsandbytes checkpoint (ours or
 * transformers'): each 4-bit or 8-bit weight is read with its statistics (from whichever shard holds
 * them), checked, and dequantised to float32 as bitsandbytes dequantises it, or kept quantised, one
 * weight at a time; other parameters load as usual.
 */
export function bnbWeightReader(options: BnbWeightReaderOptions = {}): WeightReader {
  return {
    ownsTensor: (name) => STATISTICS.test(name),
    async read(name, ckpt) {
      const source = sourceFor(ckpt, name);
      if (bnbFormatOf(source, name) === undefined) return undefined;
      const w = await readBnbWeight(source, name);
      if (options.keepQuantized) return bnbQuantizedWeight(w);
      return { dtype: 'F32', shape: w.weight.shape.slice(), data: dequantizeBnbWeight(w) };
    },
  };
}
