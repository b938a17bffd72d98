import { jsonPreview } from '@medgpt/json-preview';
import { isBnbDtype, type BnbDtype } from './bnb-dtype.js';
import { BnbError } from './bnb-error.js';
import { NESTED_BLOCKSIZE } from './double-quantize-absmax.js';
import { pythonJsonDumps } from './python-json-dumps.js';
import { FOUR_BIT_BLOCKSIZES, FOUR_BIT_QUANT_TYPES, type FourBitQuantType } from './quantize-4bit.js';

/**
 * The non-tensor part of a 4-bit quant state, which `QuantState.as_dict(packed=True)` stores as UTF-8
 * JSON in a U8 tensor `<weight>.quant_state.bitsandbytes__<quant_type>`, keys in this order.
 */
export interface QuantStateJson {
  quant_type: FourBitQuantType;
  blocksize: number;
  /** The weight dtype, `str(dtype).strip("torch.")`: 'float32', 'bfloat16' or 'float16'. */
  dtype: BnbDtype;
  shape: number[];
  /** With double quantisation only: 256. */
  nested_blocksize?: number;
  /** With double quantisation only: 'float32'. */
  nested_dtype?: 'float32';
  /** With double quantisation only: the offset (a float32 value, written as a Python float). */
  nested_offset?: number;
}

const NESTED_KEYS = ['nested_blocksize', 'nested_dtype', 'nested_offset'] as const;

/** The JSON text bitsandbytes writes (Python `json.dumps` defaults), in its key order. */
export function quantStateJsonText(state: QuantStateJson): string {
  const ordered: Record<string, unknown> = {
    quant_type: state.quant_type,
    blocksize: state.blocksize,
    dtype: state.dtype,
    shape: state.shape,
  };
  if (state.nested_offset !== undefined) {
    ordered.nested_blocksize = state.nested_blocksize ?? NESTED_BLOCKSIZE;
    ordered.nested_dtype = state.nested_dtype ?? 'float32';
    ordered.nested_offset = state.nested_offset;
  }
  return pythonJsonDumps(ordered, { floatKeys: new Set(['nested_offset']) });
}

/**
 * Parses and checks the bytes of a quant-state tensor. `nested` says whether the file has
 * `nested_absmax` (then the nested keys are required). Errors name the file and tensor, the key, the
 * value found and the form expected.
 */
export function parseQuantStateJson(
  bytes: Uint8Array,
  file: string,
  tensor: string,
  nested: boolean,
): QuantStateJson {
  const fail = (problem: string): never => {
    throw new BnbError(file, tensor, problem);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    return fail(`is not UTF-8 JSON (${(e as Error).message}); expected the bytes of ${EXAMPLE}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail(`holds ${jsonPreview(raw)}; expected a JSON object like ${EXAMPLE}`);
  }
  const o = raw as Record<string, unknown>;
  const need = (key: string, ok: (v: unknown) => boolean, expected: string): unknown => {
    if (!(key in o))
      return fail(
        `quant-state JSON has no "${key}" (expected ${expected}); keys: ${jsonPreview(Object.keys(o))}`,
      );
    if (!ok(o[key])) return fail(`quant-state JSON "${key}" is ${jsonPreview(o[key])}; expected ${expected}`);
    return o[key];
  };
  const quantType = need(
    'quant_type',
    (v) => (FOUR_BIT_QUANT_TYPES as readonly unknown[]).includes(v),
    '"nf4" or "fp4"',
  ) as FourBitQuantType;
  const blocksize = need(
    'blocksize',
    (v) => typeof v === 'number' && FOUR_BIT_BLOCKSIZES.includes(v),
    `one of ${FOUR_BIT_BLOCKSIZES.join(', ')}`,
  ) as number;
  const dtype = need('dtype', isBnbDtype, '"float32", "bfloat16" or "float16"') as BnbDtype;
  const shape = need(
    'shape',
    (v) => Array.isArray(v) && v.length > 0 && v.every((d) => Number.isSafeInteger(d) && d >= 0),
    'the weight shape as a list of non-negative integers, e.g. [4096, 4096]',
  ) as number[];
  const state: QuantStateJson = { quant_type: quantType, blocksize, dtype, shape: shape.slice() };
  if (!nested) return state;
  state.nested_blocksize = need(
    'nested_blocksize',
    (v) => v === NESTED_BLOCKSIZE,
    `${NESTED_BLOCKSIZE} (the file has nested_absmax)`,
  ) as number;
  state.nested_dtype = need(
    'nested_dtype',
    (v) => v === 'float32',
    '"float32" (the file has nested_absmax)',
  ) as 'float32';
  state.nested_offset = need(
    'nested_offset',
    (v) => typeof v === 'number' && Number.isFinite(v),
    'a finite number, the mean the absmax was centred on (the file has nested_absmax)',
  ) as number;
  return state;
}

/** Whether a parsed state carries the keys of double quantisation. */
export function hasNestedKeys(o: object): boolean {
  return NESTED_KEYS.some((k) => k in o);
}

const EXAMPLE =
  '{"quant_type": "nf4", "blocksize": 64, "dtype": "bfloat16", "shape": [out, in]' +
  ' (+ "nested_blocksize": 256, "nested_dtype": "float32", "nested_offset": <float>)}';
