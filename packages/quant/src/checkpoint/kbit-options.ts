import { BnbError } from '../bnb/bnb-error.js';
import type { BnbDtype } from '../bnb/bnb-dtype.js';
import { FOUR_BIT_BLOCKSIZES, FOUR_BIT_QUANT_TYPES, type FourBitQuantType } from '../bnb/quantize-4bit.js';

/** How a model's linear weights are quantised as it loads (transformers' BitsAndBytesConfig, in short). */
export interface KbitOptions {
  /** 4 (`load_in_4bit`) or 8 (`load_in_8bit`, LLM.int8()). */
  bits: 4 | 8;
  /** 4-bit data type: 'fp4' (bitsandbytes' default) or 'nf4' (QLoRA; MedicalGPT's `--qlora`). */
  quantType?: FourBitQuantType;
  /** Double-quantise the 4-bit absmax (`bnb_4bit_use_double_quant`; QLoRA). Default false. */
  doubleQuant?: boolean;
  /** Values per 4-bit block (default 64). */
  blocksize?: number;
  /**
   * The dtype the weights are rounded to before quantising, and that they dequantise back to (the
   * model's torch_dtype). Default: each tensor's dtype in the checkpoint, as torch_dtype 'auto'.
   */
  dtype?: BnbDtype;
}

/** Checks `options`, naming the bad field. */
export function checkKbitOptions(options: KbitOptions, where: string): void {
  if (options.bits !== 4 && options.bits !== 8)
    throw new BnbError(where, 'bits', `${JSON.stringify(options.bits)}; expected 4 or 8`, { subject: 'key' });
  if (options.quantType !== undefined && !FOUR_BIT_QUANT_TYPES.includes(options.quantType))
    throw new BnbError(where, 'quantType', `${JSON.stringify(options.quantType)}; expected nf4 or fp4`, {
      subject: 'key',
    });
  if (options.blocksize !== undefined && !FOUR_BIT_BLOCKSIZES.includes(options.blocksize))
    throw new BnbError(
      where,
      'blocksize',
      `${options.blocksize}; expected one of ${FOUR_BIT_BLOCKSIZES.join(', ')}`,
      { subject: 'key' },
    );
}
