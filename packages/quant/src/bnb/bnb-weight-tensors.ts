import type { SafetensorsArray } from '@medgpt/core-tensor';
import { BnbError } from './bnb-error.js';
import type { BnbWeight } from './bnb-weight.js';
import { FP4_CODE } from './fp4-code.js';
import { NF4_CODE } from './nf4-code.js';
import type { Bnb4bitWeight } from './quantize-4bit.js';
import { quantStateJsonText } from './quant-state-json.js';

/** The name of the quant-state tensor of 4-bit weight `name`. */
export function quantStateTensorName(name: string, quantType: 'nf4' | 'fp4'): string {
  return `${name}.quant_state.bitsandbytes__${quantType}`;
}

/** `module.weight` -> `module.` (or '' for a bare `weight`); an 8-bit weight's SCB sits beside it. */
export function modulePrefix(name: string, where: string): string {
  if (name === 'weight') return '';
  if (!name.endsWith('.weight')) {
    throw new BnbError(where, name, `an 8-bit weight's name ends in ".weight" (its SCB is "<module>.SCB")`);
  }
  return name.slice(0, -'weight'.length);
}

/**
 * The tensors transformers saves for a bitsandbytes weight called `name` (e.g.
 * `model.layers.0.mlp.down_proj.weight`), ready for `writeSafetensors`:
 *
 * - 4-bit (`Linear4bit._save_to_state_dict`, `QuantState.as_dict(packed=True)`): `name` U8
 *   `[ceil(n/2), 1]` (the packed codes), `name.absmax` F32 `[blocks]` (U8 with double quantisation),
 *   `name.quant_map` F32 `[16]`, with double quantisation `name.nested_absmax` F32 and
 *   `name.nested_quant_map` F32 `[256]`, and `name.quant_state.bitsandbytes__nf4` (or `__fp4`): U8, the
 *   UTF-8 JSON of `quantStateJsonText`.
 * - 8-bit (`Linear8bitLt._save_to_state_dict`): `name` I8 `[out, in]`, `<module>.SCB` F32 `[out]`,
 *   `<module>.weight_format` U8 scalar 0 ("row").
 */
export function bnbWeightTensors(name: string, w: BnbWeight): Map<string, SafetensorsArray> {
  const out = new Map<string, SafetensorsArray>();
  if (w.bits === 8) {
    const prefix = modulePrefix(name, 'bnbWeightTensors');
    const [rows, cols] = w.weight.shape;
    out.set(name, { dtype: 'I8', shape: [rows, cols], data: w.weight.int8 });
    out.set(`${prefix}SCB`, { dtype: 'F32', shape: [rows], data: w.weight.scb });
    out.set(`${prefix}weight_format`, { dtype: 'U8', shape: [], data: new Uint8Array([0]) });
    return out;
  }
  const q = w.weight;
  out.set(name, { dtype: 'U8', shape: [q.packed.length, 1], data: q.packed });
  const code = Float32Array.from(q.quantType === 'nf4' ? NF4_CODE : FP4_CODE);
  if (q.nested !== undefined) {
    const nested = q.nested;
    out.set(`${name}.absmax`, { dtype: 'U8', shape: [nested.codes.length], data: nested.codes });
    out.set(`${name}.quant_map`, { dtype: 'F32', shape: [16], data: code });
    out.set(`${name}.nested_absmax`, { dtype: 'F32', shape: [nested.absmax.length], data: nested.absmax });
    out.set(`${name}.nested_quant_map`, { dtype: 'F32', shape: [256], data: nested.code });
  } else {
    const absmax = q.absmax ?? fail(name, 'the 4-bit weight has neither absmax nor nested');
    out.set(`${name}.absmax`, { dtype: 'F32', shape: [absmax.length], data: absmax });
    out.set(`${name}.quant_map`, { dtype: 'F32', shape: [16], data: code });
  }
  const json = new TextEncoder().encode(quantStateJsonText(quantStateOf(q)));
  out.set(quantStateTensorName(name, q.quantType), { dtype: 'U8', shape: [json.length], data: json });
  return out;
}

function quantStateOf(q: Bnb4bitWeight) {
  return {
    quant_type: q.quantType,
    blocksize: q.blocksize,
    dtype: q.dtype,
    shape: q.shape,
    ...(q.nested === undefined
      ? {}
      : {
          nested_blocksize: q.nested.blocksize,
          nested_dtype: 'float32' as const,
          nested_offset: q.nested.offset,
        }),
  };
}

function fail(name: string, problem: string): never {
  throw new BnbError('bnbWeightTensors', name, problem);
}
