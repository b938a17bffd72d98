import { jsonPreview } from '@medgpt/json-preview';
import { dtypeBits, isSafetensorsDtype, type SafetensorsDtype } from './safetensors-dtype.js';
import { SafetensorsError } from './safetensors-error.js';

/** Where one tensor lives in a safetensors file, as its header declares it. */
export interface SafetensorsTensorInfo {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** [start, end) in bytes, relative to the start of the data section (after the header). */
  dataOffsets: [number, number];
  byteLength: number;
}

/** A validated header: tensors in the order of their data, and the `__metadata__` strings. */
export interface SafetensorsHeader {
  metadata: Record<string, string> | undefined;
  tensors: SafetensorsTensorInfo[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isIndex(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/**
 * Decodes and checks the JSON header of `file` against a data section of `dataLength` bytes, with the
 * same rules as the Rust reader: known dtypes, byte sizes that match shape x dtype, and data that
 * covers the data section exactly, without overlaps or holes.
 */
export function parseSafetensorsHeader(
  file: string,
  bytes: Uint8Array,
  dataLength: number,
): SafetensorsHeader {
  const fail = (tensor: string | undefined, problem: string): never => {
    throw new SafetensorsError(file, tensor, problem);
  };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return fail(undefined, 'header is not valid UTF-8; expected a UTF-8 JSON object');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(undefined, `header is not valid JSON (${(e as Error).message}); expected a JSON object`);
  }
  if (!isObject(json))
    return fail(undefined, 'header is not a JSON object; expected {"name": {dtype, shape, data_offsets}}');

  let metadata: Record<string, string> | undefined;
  const tensors: SafetensorsTensorInfo[] = [];
  for (const [name, entry] of Object.entries(json)) {
    if (name === '__metadata__') metadata = entry === null ? undefined : checkMetadata(entry, fail);
    else tensors.push(checkEntry(name, entry, dataLength, fail));
  }
  checkCoverage(tensors, dataLength, fail);
  return { metadata, tensors };
}

type Fail = (tensor: string | undefined, problem: string) => never;

function checkMetadata(entry: unknown, fail: Fail): Record<string, string> {
  if (!isObject(entry))
    return fail(undefined, '__metadata__ is not an object; expected {"key": "string value"}');
  for (const [k, v] of Object.entries(entry)) {
    if (typeof v !== 'string')
      return fail(undefined, `__metadata__.${k.slice(0, 60)} is ${jsonPreview(v)}; expected a string`);
  }
  return entry as Record<string, string>;
}

function checkEntry(name: string, entry: unknown, dataLength: number, fail: Fail): SafetensorsTensorInfo {
  if (!isObject(entry))
    return fail(name, 'header entry is not an object; expected {dtype, shape, data_offsets}');
  const { dtype, shape, data_offsets: offsets } = entry;
  if (dtype === undefined) return fail(name, 'header entry has no "dtype"');
  if (shape === undefined) return fail(name, 'header entry has no "shape"');
  if (offsets === undefined) return fail(name, 'header entry has no "data_offsets"');
  if (!isSafetensorsDtype(dtype))
    return fail(
      name,
      `unknown dtype ${jsonPreview(dtype)}; expected one of F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL...`,
    );
  if (!Array.isArray(shape) || !shape.every(isIndex)) {
    return fail(name, `shape ${jsonPreview(shape)} is not a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    return fail(
      name,
      `data_offsets ${jsonPreview(offsets)} is not a pair [start, end] of non-negative integers`,
    );
  }
  const [start, end] = offsets as [number, number];
  if (end < start) return fail(name, `data_offsets [${start}, ${end}] end before they start`);
  if (end > dataLength) {
    return fail(
      name,
      `data_offsets [${start}, ${end}] run past the data section (${dataLength} bytes): file truncated or offsets wrong`,
    );
  }
  // Checked at every step, as the Rust reader does: [2^52, 2^52, 0] overflows before the 0 makes it empty.
  let numel = 1;
  for (const d of shape as number[]) {
    numel *= d;
    if (!Number.isSafeInteger(numel * dtypeBits(dtype)))
      return fail(name, `shape ${jsonPreview(shape)} is too large`);
  }
  const bits = numel * dtypeBits(dtype);
  if (bits % 8 !== 0) return fail(name, `${numel} elements of ${dtype} do not fill whole bytes`);
  if (bits / 8 !== end - start) {
    return fail(
      name,
      `shape ${jsonPreview(shape)} of ${dtype} needs ${bits / 8} bytes but data_offsets [${start}, ${end}] hold ${end - start}`,
    );
  }
  return { name, dtype, shape: shape as number[], dataOffsets: [start, end], byteLength: end - start };
}

function checkCoverage(tensors: SafetensorsTensorInfo[], dataLength: number, fail: Fail): void {
  tensors.sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let at = 0;
  let previous: string | undefined;
  for (const t of tensors) {
    const [start] = t.dataOffsets;
    if (start < at)
      return fail(
        t.name,
        `data_offsets start at ${start}, overlapping tensor ${JSON.stringify(previous)} which ends at ${at}`,
      );
    if (start > at)
      return fail(
        t.name,
        `data_offsets start at ${start}, leaving a hole after byte ${at}; the data must be contiguous`,
      );
    at = t.dataOffsets[1];
    previous = t.name;
  }
  if (at !== dataLength) {
    fail(
      undefined,
      `the tensors cover ${at} bytes but the data section has ${dataLength}: trailing bytes after the last tensor`,
    );
  }
}
