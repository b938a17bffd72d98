import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { fixturePath, loadFixtureTensors, sameElements } from './load-fixture-tensors.js';
import type { SafetensorsArray } from './safetensors-array.js';
import { SafetensorsError } from './safetensors-error.js';
import { SafetensorsFile } from './safetensors-file.js';
import { writeSafetensors } from './write-safetensors.js';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'medgpt-st-write-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readBack(path: string): Promise<Map<string, SafetensorsArray>> {
  await using f = await SafetensorsFile.open(path);
  const out = new Map<string, SafetensorsArray>();
  for (const name of f.names) out.set(name, await f.readArray(name));
  return out;
}

describe('byte identity with Python', () => {
  it('writes the same bytes as safetensors.torch.save_file', async () => {
    const pyPath = fixturePath('py-all-dtypes.safetensors');
    const { tensors } = loadFixtureTensors('py-all-dtypes.json');
    // Python's metadata order is a hash order; take the one this file happened to get.
    const metadata = (await SafetensorsFile.open(pyPath).then(async (f) => (await f.close(), f))).metadata;
    const path = join(dir, 'ours.safetensors');
    await writeSafetensors(path, tensors, { metadata });
    expect(Buffer.compare(readFileSync(path), readFileSync(pyPath))).toBe(0);
  });

  it('writes an empty file as the spec lays it out: {} padded to 8 bytes', async () => {
    const path = join(dir, 'empty.safetensors');
    await writeSafetensors(path, {});
    const want = Buffer.concat([Buffer.from([8, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{}      ')]);
    expect(readFileSync(path).equals(want)).toBe(true);
  });

  it('orders names by UTF-8 bytes as Rust does, not by UTF-16 units', async () => {
    const path = join(dir, 'names.safetensors');
    const one = (): SafetensorsArray => ({ dtype: 'U8', shape: [1], data: new Uint8Array([7]) });
    // U+FF21 is EF BC A1 in UTF-8, U+1F600 is F0 9F 98 80 (but D83D DE00 in UTF-16, which sorts first).
    await writeSafetensors(path, { '\u{1F600}': one(), '\uFF21': one() });
    await using f = await SafetensorsFile.open(path);
    expect(f.names).toEqual(['\uFF21', '\u{1F600}']);
  });
});

describe('round trips', () => {
  const arrays: Record<string, SafetensorsArray> = {
    f64: { dtype: 'F64', shape: [3], data: Float64Array.from([Math.PI, -0, 1e-310]) },
    f32: { dtype: 'F32', shape: [2, 2], data: Float32Array.from([1.5, NaN, -Infinity, 2 ** -149]) },
    f16: { dtype: 'F16', shape: [2], data: Uint16Array.from([0x3c00, 0xfc00]) },
    bf16: { dtype: 'BF16', shape: [2], data: Uint16Array.from([0x3f80, 0x0001]) },
    i64: { dtype: 'I64', shape: [2], data: BigInt64Array.from([-(2n ** 63n), 2n ** 62n]) },
    u64: { dtype: 'U64', shape: [1], data: BigUint64Array.from([2n ** 64n - 1n]) },
    i32: { dtype: 'I32', shape: [1, 1, 2], data: Int32Array.from([-(2 ** 31), 5]) },
    u32: { dtype: 'U32', shape: [1], data: Uint32Array.from([2 ** 32 - 1]) },
    i16: { dtype: 'I16', shape: [1], data: Int16Array.from([-5]) },
    u16: { dtype: 'U16', shape: [1], data: Uint16Array.from([65535]) },
    i8: { dtype: 'I8', shape: [3], data: Int8Array.from([-128, 0, 127]) },
    u8: { dtype: 'U8', shape: [1], data: Uint8Array.from([200]) },
    bool: { dtype: 'BOOL', shape: [3], data: Uint8Array.from([1, 0, 1]) },
    fp8: { dtype: 'F8_E4M3', shape: [2], data: Uint8Array.from([0x38, 0xff]) },
    scalar: { dtype: 'F32', shape: [], data: Float32Array.from([7]) },
    empty: { dtype: 'BF16', shape: [0, 4], data: new Uint16Array(0) },
  };

  it('keeps every dtype, shape and element', async () => {
    const path = join(dir, 'all.safetensors');
    await writeSafetensors(path, arrays, { metadata: { note: 'ünïcödé "quoted"\n' } });
    const back = await readBack(path);
    expect([...back.keys()].sort()).toEqual(Object.keys(arrays).sort());
    for (const [name, want] of Object.entries(arrays)) {
      const got = back.get(name)!;
      expect([got.dtype, got.shape]).toEqual([want.dtype, want.shape]);
      expect(sameElements(got.data, want.data), name).toBeUndefined();
    }
    await using f = await SafetensorsFile.open(path);
    expect(f.metadata).toEqual({ note: 'ünïcödé "quoted"\n' });
  });

  it('accepts raw bytes in a Uint8Array for any dtype', async () => {
    const path = join(dir, 'raw.safetensors');
    const f32 = Float32Array.from([1, 2]);
    await writeSafetensors(path, { x: { dtype: 'F32', shape: [2], data: new Uint8Array(f32.buffer) } });
    expect(Array.from((await readBack(path)).get('x')!.data as Float32Array)).toEqual([1, 2]);
  });

  it('writes tfjs tensors, converting floats to the chosen dtype, without leaking', async () => {
    const x = tf.tensor([1.5, -2, 0.25, 65280], [2, 2]); // all exact in bf16 (8 significant bits)
    const ids = tf.tensor([3, -1], [2], 'int32');
    const mask = tf.tensor([1, 0], [2], 'bool');
    const before = tf.memory().numTensors;
    const path = join(dir, 'tf.safetensors');
    await writeSafetensors(path, { x, ids, mask }, { dtype: 'BF16' });
    expect(tf.memory().numTensors).toBe(before);
    await using f = await SafetensorsFile.open(path);
    expect(['x', 'ids', 'mask'].map((n) => f.info(n).dtype)).toEqual(['BF16', 'I32', 'BOOL']);
    expect(f.info('x').byteLength).toBe(8);
    for (const [name, t] of Object.entries({ x, ids, mask })) {
      const got = await f.readTensor(name);
      expect(got.dtype).toBe(t.dtype);
      expect(got.shape).toEqual(t.shape);
      expect(Array.from(got.dataSync())).toEqual(Array.from(t.dataSync()));
      got.dispose();
    }
    tf.dispose([x, ids, mask]);
  });

  it('lets a function pick the dtype per tensor (F16 weights, I64 ids)', async () => {
    const path = join(dir, 'choice.safetensors');
    const w = tf.tensor([0.5, 3]);
    const ids = tf.tensor([2 ** 31 - 1, -7], [2], 'int32');
    await writeSafetensors(path, { w, ids }, { dtype: (name) => (name === 'w' ? 'F16' : 'I64') });
    const back = await readBack(path);
    expect(Array.from(back.get('w')!.data as Uint16Array)).toEqual([0x3800, 0x4200]); // 0.5 = 0 01110 0, 3 = 0 10000 1000000000
    expect(Array.from(back.get('ids')!.data as BigInt64Array)).toEqual([2n ** 31n - 1n, -7n]);
    tf.dispose([w, ids]);
  });
});

describe('atomic writes', () => {
  it('leaves only the file, no temporary', async () => {
    const sub = mkdtempSync(join(dir, 'atomic-'));
    await writeSafetensors(join(sub, 'a.safetensors'), { x: tf.tensor([1]) });
    expect(readdirSync(sub)).toEqual(['a.safetensors']);
  });

  it('keeps the old file and removes the temporary when writing fails midway', async () => {
    const sub = mkdtempSync(join(dir, 'atomic-'));
    const path = join(sub, 'a.safetensors');
    writeFileSync(path, 'old content');
    const big = { dtype: 'I32' as const, shape: [2], data: Int32Array.from([1, 1000]) };
    // The header and the first tensor are written before 1000 turns out not to fit I8.
    const err = await writeSafetensors(
      path,
      { a: { dtype: 'F32', shape: [1], data: Float32Array.from([1]) }, big },
      { dtype: (n, d) => (n === 'big' ? 'I8' : d) },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SafetensorsError);
    expect((err as Error).message).toMatch(/tensor "big": value 1000 at element 1 does not fit I8/);
    expect(readdirSync(sub)).toEqual(['a.safetensors']);
    expect(readFileSync(path, 'utf8')).toBe('old content');
  });
});

describe('bad input', () => {
  const path = () => join(dir, 'bad.safetensors');
  it.each([
    ['a disposed tensor', () => ({ x: disposed() }), /tensor "x": tensor is disposed/],
    ['a string tensor', () => ({ x: tf.tensor(['a']) }), /tensor "x": tfjs dtype string cannot be saved/],
    ['the reserved name', () => ({ __metadata__: tf.tensor([1]) }), /"__metadata__" is reserved/],
    [
      'a lone surrogate in a name',
      () => ({ ['a\uD800']: tf.tensor([1]) }),
      /tensor name "a\\ud800" is not a valid UTF-8 string/,
    ],
    [
      'data of the wrong type',
      () => ({ x: { dtype: 'F32', shape: [1], data: Int32Array.from([1]) } }),
      /data for F32 must be a Float32Array \(or its bytes in a Uint8Array\)/,
    ],
    [
      'a size mismatch',
      () => ({ x: { dtype: 'F32', shape: [3], data: new Float32Array(2) } }),
      /shape \[3\] of F32 needs 12 bytes; data has 8/,
    ],
    [
      'a bad shape',
      () => ({ x: { dtype: 'F32', shape: [-1], data: new Float32Array(0) } }),
      /shape \[-1\] is not a list/,
    ],
    [
      'an unknown dtype',
      () => ({ x: { dtype: 'F128', shape: [1], data: new Float32Array(1) } }),
      /unknown dtype "F128"/,
    ],
  ])('rejects %s', async (_, make, message) => {
    await expect(writeSafetensors(path(), make() as never)).rejects.toThrow(message);
  });

  it('rejects converting between ints and floats, and non-string metadata', async () => {
    const ids = { dtype: 'I32' as const, shape: [1], data: Int32Array.from([1]) };
    await expect(writeSafetensors(path(), { ids }, { dtype: () => 'F16' })).rejects.toThrow(
      /tensor "ids": cannot convert I32 to F16/,
    );
    await expect(writeSafetensors(path(), { ids }, { metadata: { n: 1 as never } })).rejects.toThrow(
      /metadata "n" is number; safetensors metadata values must be strings/,
    );
  });
});

function disposed(): tf.Tensor {
  const t = tf.tensor([1]);
  t.dispose();
  return t;
}
