// Fuzz targets for the safetensors readers: files written by our writer (every dtype, empty and scalar
// shapes, odd names, metadata) read back exactly, and the same files with a mutated JSON header
// (huge or negative shapes and offsets, wrong types, deep nesting), a mutated length prefix or flipped,
// cut and inserted bytes: SafetensorsFile.open and every read return the right bytes or throw a
// SafetensorsError naming the file, and never read more than the file holds. The shard index
// (SafetensorsCheckpoint) likewise. Run by safetensors-file.fuzz.test.ts and bench/cpu/fuzz.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import fc from 'fast-check';
import {
  applyByteOps,
  applyJsonOps,
  attemptAsync,
  byteOps,
  evilNumber,
  expectResult,
  jsonEqual,
  jsonOps,
  jsonText,
  scratchPath,
  type ByteOp,
  type FuzzTarget,
  type JsonOp,
} from '../../../../tools/fuzz/fuzz-kit.js';
import { encodeSafetensorsHeader } from './encode-safetensors-header.js';
import {
  SafetensorsCheckpoint,
  SafetensorsError,
  SafetensorsFile,
  tf,
  writeSafetensors,
  type SafetensorsArray,
  type SafetensorsDtype,
} from '../index.js';

interface TensorSpec {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: number[];
  readonly bytes: Uint8Array;
}

type Mutation =
  | { readonly kind: 'valid' }
  | { readonly kind: 'header'; readonly ops: JsonOp[] }
  | { readonly kind: 'length'; readonly length: number }
  | { readonly kind: 'bytes'; readonly ops: ByteOp[] };

interface FileInput {
  readonly tensors: readonly TensorSpec[];
  readonly metadata: Record<string, string> | undefined;
  readonly mutation: Mutation;
}

const BITS: Partial<Record<SafetensorsDtype, number>> = {
  F64: 64,
  F32: 32,
  F16: 16,
  BF16: 16,
  I64: 64,
  U64: 64,
  I32: 32,
  U32: 32,
  I16: 16,
  U16: 16,
  I8: 8,
  U8: 8,
  BOOL: 8,
  F8_E4M3: 8,
  F8_E5M2: 8,
  F4: 4,
};
const DTYPES = Object.keys(BITS) as SafetensorsDtype[];

const tensorSpec: fc.Arbitrary<Omit<TensorSpec, 'name'>> = fc
  .record({
    dtype: fc.constantFrom(...DTYPES),
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
  })
  .filter(({ dtype, shape }) => (shape.reduce((a, b) => a * b, 1) * BITS[dtype]!) % 8 === 0)
  .chain(({ dtype, shape }) => {
    const bytes = (shape.reduce((a, b) => a * b, 1) * BITS[dtype]!) / 8;
    // BOOL holds 0/1; other bytes are anything (NaN payloads, out-of-range integers included).
    const byte = dtype === 'BOOL' ? fc.integer({ min: 0, max: 1 }) : fc.integer({ min: 0, max: 255 });
    return fc
      .array(byte, { minLength: bytes, maxLength: bytes })
      .map((b) => ({ dtype, shape, bytes: new Uint8Array(b) }));
  });

const tensorName = fc.oneof(
  fc.constantFrom(
    'model.embed_tokens.weight',
    'lm_head.weight',
    'a',
    '__proto__',
    'constructor',
    '名字',
    ' ',
    '',
  ),
  fc.string({ maxLength: 10, unit: 'grapheme' }),
);

const fileInput: fc.Arbitrary<FileInput> = fc.record({
  tensors: fc
    .uniqueArray(fc.tuple(tensorName, tensorSpec), { selector: ([n]) => n, maxLength: 4 })
    .map((list) => list.filter(([n]) => n !== '__metadata__').map(([name, spec]) => ({ name, ...spec }))),
  metadata: fc.option(
    fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
    {
      nil: undefined,
    },
  ),
  mutation: fc.oneof(
    { weight: 1, arbitrary: fc.constant({ kind: 'valid' as const }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('header' as const), ops: jsonOps }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('length' as const),
        length: fc.oneof(evilNumber, fc.integer({ min: 0, max: 300 })),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('bytes' as const), ops: byteOps }) },
  ),
});

/** The bytes writeSafetensors writes for `input` (its header layout, then each tensor's bytes). */
function inMemoryFile(input: FileInput): Uint8Array {
  const entries = input.tensors.map((t) => ({ ...t, byteLength: t.bytes.length }));
  const { bytes, order } = encodeSafetensorsHeader('fuzz.safetensors', entries, input.metadata);
  return Buffer.concat([bytes, ...order.map((t) => t.bytes)]);
}

/** The file's bytes after the mutation. */
function mutate(clean: Uint8Array, mutation: Mutation): Uint8Array {
  if (mutation.kind === 'valid') return clean;
  if (mutation.kind === 'bytes') return applyByteOps(clean, mutation.ops);
  const buf = Buffer.from(clean);
  const headerLength = Number(buf.readBigUInt64LE(0));
  if (mutation.kind === 'length') {
    const out = Buffer.from(buf);
    const n = mutation.length;
    // Negative and fractional values wrap like a C cast would; 2^64 and above saturate.
    const value =
      !Number.isFinite(n) || n >= 2 ** 64 ? 2n ** 64n - 1n : BigInt.asUintN(64, BigInt(Math.trunc(n)));
    out.writeBigUInt64LE(value, 0);
    return out;
  }
  const header = JSON.parse(buf.subarray(8, 8 + headerLength).toString('utf8')) as unknown;
  const text = Buffer.from(jsonText(applyJsonOps(header, mutation.ops)));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(text.length));
  return Buffer.concat([length, text, buf.subarray(8 + headerLength)]);
}

const typed = (file: string) => (e: unknown) => e instanceof SafetensorsError && e.file === file;

let backendReady: Promise<boolean> | undefined;

async function checkFile(input: FileInput): Promise<void> {
  backendReady ??= tf.setBackend('cpu');
  await backendReady;
  const file = scratchPath('fuzz.safetensors');
  const tensors = new Map<string, SafetensorsArray>(
    input.tensors.map((t) => [t.name, { dtype: t.dtype, shape: t.shape, data: t.bytes }]),
  );
  let bytes: Uint8Array;
  if (input.mutation.kind === 'valid') {
    // The oracle case goes through the writer and the disk; mutations start from the same bytes
    // laid out in memory (encodeSafetensorsHeader is the writer's layout), which saves five fs calls.
    await writeSafetensors(file, tensors, { metadata: input.metadata });
    bytes = readFileSync(file);
  } else {
    bytes = mutate(inMemoryFile(input), input.mutation);
    writeFileSync(file, bytes);
  }
  const isTyped = typed(file);
  const opened = await attemptAsync(() => SafetensorsFile.open(file), isTyped);
  if (!opened.ok) {
    expectResult(input.mutation.kind !== 'valid', () => `our own file was refused: ${opened.error.message}`);
    return;
  }
  const f = opened.value;
  try {
    let total = 0;
    for (const name of f.names) {
      const info = f.info(name);
      const numel = info.shape.reduce((a, b) => a * b, 1);
      expectResult(
        (numel * (BITS[info.dtype] ?? 8)) / 8 === info.byteLength || BITS[info.dtype] === undefined,
        () => `${name}: ${info.byteLength} bytes for shape [${info.shape}] of ${info.dtype}`,
      );
      const array = await attemptAsync(() => f.readArray(name), isTyped);
      if (!array.ok) continue;
      const data = array.value.data;
      total += data.byteLength;
      expectResult(
        data.byteLength === info.byteLength && total <= bytes.length,
        () => `${name}: read ${data.byteLength} bytes (${total} in all) from a ${bytes.length}-byte file`,
      );
      if (input.mutation.kind === 'valid') {
        const want = tensors.get(name)!;
        const got = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        expectResult(
          info.dtype === want.dtype &&
            jsonEqual(info.shape, want.shape) &&
            Buffer.compare(got, want.data as Uint8Array) === 0,
          () =>
            `${name}: read back ${info.dtype} [${info.shape}], wrote ${want.dtype} [${want.shape}] (or other bytes)`,
        );
      }
      const tensor = await attemptAsync(() => f.readTensor(name), isTyped);
      if (tensor.ok) {
        expectResult(
          jsonEqual(tensor.value.shape, info.shape),
          () => `${name}: tensor shape [${tensor.value.shape}], header [${info.shape}]`,
        );
        tensor.value.dispose();
      }
    }
    if (input.mutation.kind === 'valid') {
      expectResult(
        jsonEqual([...f.names].sort(), [...tensors.keys()].sort()) &&
          jsonEqual(f.metadata, input.metadata ?? {}) &&
          f.hasMetadata === (input.metadata !== undefined),
        () =>
          `names ${JSON.stringify(f.names)} / metadata ${JSON.stringify(f.metadata)} differ from what was written`,
      );
    }
  } finally {
    await f.close();
  }
}

/** SafetensorsFile.open and readArray / readTensor of every tensor. */
export const safetensorsFileTarget: FuzzTarget<FileInput> = {
  name: 'core-tensor/safetensors',
  arbitrary: fileInput,
  check: (input) => checkFile(input),
};

interface IndexInput {
  readonly names: readonly string[];
  readonly ops: JsonOp[] | null;
}

let shard: Promise<string> | undefined;

/** One shard holding tensors `a` and `b`, written once per process. */
function shardFile(): Promise<string> {
  shard ??= (async () => {
    const path = scratchPath('model-00001-of-00001.safetensors');
    const data = (n: number) => ({ dtype: 'F32' as const, shape: [n], data: new Float32Array(n) });
    await writeSafetensors(path, { a: data(2), b: data(3) });
    return path;
  })();
  return shard;
}

async function checkIndex(input: IndexInput): Promise<void> {
  const shardPath = await shardFile();
  const index = {
    metadata: { total_size: 20 },
    weight_map: Object.fromEntries(input.names.map((n) => [n, basename(shardPath)])),
  };
  const path = scratchPath('model.safetensors.index.json');
  writeFileSync(path, jsonText(input.ops ? applyJsonOps(index, input.ops) : index, '  '));
  const opened = await attemptAsync(
    () => SafetensorsCheckpoint.open(path),
    (e) => e instanceof SafetensorsError && (e.file === path || e.file === shardPath),
  );
  if (!opened.ok) {
    expectResult(input.ops !== null, () => `a valid index was refused: ${opened.error.message}`);
    return;
  }
  const ckpt = opened.value;
  try {
    if (input.ops === null) {
      expectResult(jsonEqual([...ckpt.names], [...input.names]), () => `names ${JSON.stringify(ckpt.names)}`);
    }
    for (const name of ckpt.names) {
      // Shards stay inside the checkpoint's directory and are safetensors files.
      const file = ckpt.fileFor(name);
      expectResult(
        file.startsWith(shardPath.slice(0, shardPath.lastIndexOf('/') + 1)) && file.endsWith('.safetensors'),
        () => `${name} maps to ${file}`,
      );
      const read = await attemptAsync(
        () => ckpt.readArray(name),
        (e) => e instanceof SafetensorsError,
      );
      if (read.ok) {
        expectResult(file === shardPath && (name === 'a' || name === 'b'), () => `read ${name} from ${file}`);
      }
    }
  } finally {
    await ckpt.close();
  }
}

/** SafetensorsCheckpoint.open of a model.safetensors.index.json, then reads through it. */
export const safetensorsIndexTarget: FuzzTarget<IndexInput> = {
  name: 'core-tensor/safetensors-index',
  arbitrary: fc.record({
    names: fc.uniqueArray(fc.constantFrom('a', 'b', 'c', '__proto__', ''), { maxLength: 4 }),
    ops: fc.option(jsonOps, { nil: null }),
  }),
  check: (input) => checkIndex(input),
};

export const SAFETENSORS_TARGETS: readonly FuzzTarget[] = [safetensorsFileTarget, safetensorsIndexTarget];
