import { loadModel, type CausalLM, type LoadModelOptions } from '@medgpt/models';
import { bnbQuantizationConfig, type BnbQuantizationConfig } from '../bnb/bnb-quantization-config.js';
import { bnbWeightReader } from './bnb-weight-reader.js';
import { holdFrozenWeightsInBf16 } from './hold-frozen-weights-in-bf16.js';
import { readQuantizationConfig } from './read-quantization-config.js';
import { checkKbitOptions, type KbitOptions } from './kbit-options.js';
import { quantizingReader } from './quantizing-reader.js';

/** A model loaded by `loadKbitModel`, its linear weights kept quantised. */
export interface LoadedKbitModel {
  model: CausalLM;
  /** How its weights are quantised: the checkpoint's own config, or the one applied while loading. */
  quantization: BnbQuantizationConfig;
  /** True when the checkpoint was already quantised (its config won over `options.kbit`). */
  prequantized: boolean;
}

/**
 * Loads a model for k-bit training or inference (transformers' `from_pretrained(...,
 * quantization_config=BitsAndBytesConfig(...))`): the decoder Linear weights stay quantised on the
 * backend and dequantise per matmul; everything else loads in float32, except that in a bf16 model the
 * embeddings and LM head are held in bf16 as bitsandbytes holds them (holdFrozenWeightsInBf16: lossless,
 * half their device memory on cuda). A float checkpoint is quantised
 * as it loads, one tensor at a time, as `kbit` says (QLoRA: `{ bits: 4, quantType: 'nf4', doubleQuant:
 * true }`); a bitsandbytes checkpoint (config.json with `quantization_config`) keeps its own
 * quantisation, as transformers does, and `kbit` is ignored.
 */
export async function loadKbitModel(
  dir: string,
  kbit: KbitOptions,
  options: Omit<LoadModelOptions, 'weightReader'> = {},
): Promise<LoadedKbitModel> {
  checkKbitOptions(kbit, 'loadKbitModel');
  const own = await readQuantizationConfig(dir);
  if (own !== null) {
    const model = await loadModel(dir, {
      ...options,
      ignoreConfigKeys: [...(options.ignoreConfigKeys ?? []), 'quantization_config'],
      weightReader: bnbWeightReader({ keepQuantized: true }),
    });
    holdFrozenWeightsInBf16(model);
    return { model, quantization: own, prequantized: true };
  }
  const dtype = options.dtype === undefined || options.dtype === 'auto' ? kbit.dtype : options.dtype;
  const model = await loadModel(dir, { ...options, weightReader: quantizingReader({ ...kbit, dtype }) });
  holdFrozenWeightsInBf16(model);
  const quantization = bnbQuantizationConfig(
    kbit.bits === 4
      ? {
          load_in_4bit: true,
          bnb_4bit_quant_type: kbit.quantType ?? 'fp4',
          bnb_4bit_use_double_quant: kbit.doubleQuant ?? false,
          bnb_4bit_compute_dtype: dtype ?? 'float32',
        }
      : { load_in_8bit: true },
  );
  return { model, quantization, prequantized: false };
}
