import type { SafetensorsArray, SafetensorsDtype, SafetensorsTensorInfo } from '@medgpt/core-tensor';
import { jsonPreview } from '@medgpt/json-preview';
import { BnbError } from './bnb-error.js';
import type { BnbInt8Weight, BnbWeight } from './bnb-weight.js';
import { modulePrefix, quantStateTensorName } from './bnb-weight-tensors.js';
import { NESTED_BLOCKSIZE } from './double-quantize-absmax.js';
import { FP4_CODE } from './fp4-code.js';
import { NF4_CODE } from './nf4-code.js';
import { hasNestedKeys, parseQuantStateJson } from './quant-state-json.js';
import type { Bnb4bitWeight } from './quantize-4bit.js';

/**
 * Where a bitsandbytes weight's tensors are read from: a `SafetensorsFile`, or a view of a sharded
 * checkpoint (a weight's statistics may sit in another shard than the weight). `path` names it in errors.
 */
export interface BnbTensorSource {
  readonly path: string;
  readonly names: readonly string[];
  has(name: string): boolean;
  info(name: string): SafetensorsTensorInfo | Promise<SafetensorsTensorInfo>;
  readArray(name: string): Promise<SafetensorsArray>;
}

/** How weight `name` of `file` is stored: bitsandbytes 4-bit, 8-bit, or not by bitsandbytes. */
export function bnbFormatOf(file: BnbTensorSource, name: string): 4 | 8 | undefined {
  if (file.has(quantStateTensorName(name, 'nf4')) || file.has(quantStateTensorName(name, 'fp4'))) return 4;
  if (name === 'weight' || name.endsWith('.weight')) {
    if (file.has(`${name.slice(0, -'weight'.length)}SCB`)) return 8;
  }
  return undefined;
}

/**
 * Reads the bitsandbytes weight `name` (e.g. `model.layers.0.mlp.down_proj.weight`) of a safetensors file
 * in transformers' layout (see `bnbWeightTensors`), checking every tensor's dtype and size against the
 * quant state. Errors name the file, the tensor and the form expected.
 */
export async function readBnbWeight(file: BnbTensorSource, name: string): Promise<BnbWeight> {
  const bits = bnbFormatOf(file, name);
  if (bits === 4) return { bits: 4, weight: await read4bit(file, name) };
  if (bits === 8) return { bits: 8, weight: await readInt8(file, name) };
  throw new BnbError(
    file.path,
    name,
    file.has(name)
      ? `is not quantised by bitsandbytes: no "${quantStateTensorName(name, 'nf4')}" (or __fp4) for 4 bits, ` +
          `no "<module>.SCB" for 8 bits (the tensor is ${(await file.info(name)).dtype})`
      : `no such tensor; the file holds ${file.names.length} tensors`,
  );
}

async function read4bit(file: BnbTensorSource, name: string): Promise<Bnb4bitWeight> {
  const keys = (['nf4', 'fp4'] as const).filter((t) => file.has(quantStateTensorName(name, t)));
  if (keys.length !== 1) {
    throw new BnbError(file.path, name, 'has both __nf4 and __fp4 quant states; expected exactly one');
  }
  const stateName = quantStateTensorName(name, keys[0]!);
  const stateBytes = (await expect(file, stateName, 'U8', undefined, 'U8 [bytes] (UTF-8 JSON)'))
    .data as Uint8Array;
  const nestedName = `${name}.nested_absmax`;
  const nested = file.has(nestedName);
  const state = parseQuantStateJson(stateBytes, file.path, stateName, nested);
  if (state.quant_type !== keys[0]) {
    throw new BnbError(
      file.path,
      stateName,
      `quant-state JSON "quant_type" is ${jsonPreview(state.quant_type)} but the tensor name ends in __${keys[0]}`,
    );
  }
  if (!nested && hasNestedKeys(JSON.parse(new TextDecoder().decode(stateBytes)) as object)) {
    throw new BnbError(
      file.path,
      nestedName,
      'missing; the quant state has nested_offset (double quantisation), which needs ' +
        `"${nestedName}" (F32) and "${name}.nested_quant_map" (F32 [256])`,
    );
  }
  const n = state.shape.reduce((a, b) => a * b, 1);
  const blocks = Math.ceil(n / state.blocksize);
  const packedLength = Math.ceil(n / 2);
  const packed = await expect(
    file,
    name,
    'U8',
    packedLength,
    `U8 [${packedLength}, 1]: two 4-bit codes per byte for shape ${JSON.stringify(state.shape)} ` +
      '(bnb_4bit_quant_storage "uint8"; other storage dtypes are not supported)',
  );
  const quantMap = await expect(
    file,
    `${name}.quant_map`,
    'F32',
    16,
    `F32 [16], the ${state.quant_type} code values`,
  );
  const code = state.quant_type === 'nf4' ? NF4_CODE : FP4_CODE;
  const bad = [...(quantMap.data as Float32Array)].findIndex((v, i) => v !== code[i]);
  if (bad >= 0) {
    throw new BnbError(
      file.path,
      `${name}.quant_map`,
      `value ${quantMap.data[bad]} at index ${bad} is not bitsandbytes' ${state.quant_type} code value ` +
        `${code[bad]}; bitsandbytes dequantises with its own table, so this file's codes would not mean what it says`,
    );
  }
  const weight: Bnb4bitWeight = {
    quantType: state.quant_type,
    blocksize: state.blocksize,
    dtype: state.dtype,
    shape: state.shape,
    packed: packed.data as Uint8Array,
  };
  const absmaxName = `${name}.absmax`;
  if (!nested) {
    weight.absmax = (
      await expect(
        file,
        absmaxName,
        'F32',
        blocks,
        `F32 [${blocks}], the absmax of each block of ${state.blocksize}`,
      )
    ).data as Float32Array;
    return weight;
  }
  const nestedBlocks = Math.ceil(blocks / NESTED_BLOCKSIZE);
  const codes = await expect(
    file,
    absmaxName,
    'U8',
    blocks,
    `U8 [${blocks}], the double-quantised absmax of each block`,
  );
  const nestedAbsmax = await expect(
    file,
    nestedName,
    'F32',
    nestedBlocks,
    `F32 [${nestedBlocks}], one per ${NESTED_BLOCKSIZE} absmax`,
  );
  const nestedCode = await expect(file, `${name}.nested_quant_map`, 'F32', 256, 'F32 [256], the dynamic map');
  weight.nested = {
    codes: codes.data as Uint8Array,
    absmax: nestedAbsmax.data as Float32Array,
    code: nestedCode.data as Float32Array,
    blocksize: state.nested_blocksize!,
    offset: state.nested_offset!,
  };
  return weight;
}

async function readInt8(file: BnbTensorSource, name: string): Promise<BnbInt8Weight> {
  const prefix = modulePrefix(name, file.path);
  const info = file.has(name) ? await file.info(name) : undefined;
  if (info === undefined || info.dtype !== 'I8' || info.shape.length !== 2) {
    throw new BnbError(
      file.path,
      name,
      `${info === undefined ? 'missing' : `is ${info.dtype} ${JSON.stringify(info.shape)}`}; ` +
        `an 8-bit weight with "${prefix}SCB" is I8 [out_features, in_features]`,
    );
  }
  const [rows, cols] = info.shape as [number, number];
  const int8 = (await expect(file, name, 'I8', rows * cols, 'I8 [out_features, in_features]'))
    .data as Int8Array;
  const scb = (await expect(file, `${prefix}SCB`, 'F32', rows, `F32 [${rows}], the absmax of each row`))
    .data as Float32Array;
  const formatName = `${prefix}weight_format`;
  if (file.has(formatName)) {
    const f = await file.readArray(formatName);
    const value = f.data.length === 1 ? Number(f.data[0]) : NaN;
    if (value !== 0) {
      throw new BnbError(
        file.path,
        formatName,
        `is ${jsonPreview([...f.data].map(Number))}; only 0 ("row", what bitsandbytes saves now) is supported`,
      );
    }
  }
  return { shape: [rows, cols], int8, scb };
}

/** Reads tensor `name`, which must exist with `dtype` and (when given) `numel` elements. */
async function expect(
  file: BnbTensorSource,
  name: string,
  dtype: SafetensorsDtype,
  numel: number | undefined,
  form: string,
): Promise<SafetensorsArray> {
  if (!file.has(name)) throw new BnbError(file.path, name, `missing; expected ${form}`);
  const info = await file.info(name);
  const count = info.shape.reduce((a, b) => a * b, 1);
  if (info.dtype !== dtype || (numel !== undefined && count !== numel)) {
    throw new BnbError(file.path, name, `is ${info.dtype} ${JSON.stringify(info.shape)}; expected ${form}`);
  }
  return file.readArray(name);
}
