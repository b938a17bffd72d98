import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tf } from '../tf.js';
import { bf16ToFloat32, f16ToFloat32 } from './half-float.js';
import { fixturePath, loadFixtureTensors, sameElements } from './load-fixture-tensors.js';
import { SafetensorsError } from './safetensors-error.js';
import { SafetensorsFile } from './safetensors-file.js';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'medgpt-st-read-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file assembled by hand per the spec: u64 LE header length, header bytes, data. */
function rawFile(
  name: string,
  header: string | Uint8Array,
  data: Uint8Array = new Uint8Array(0),
  length?: bigint,
): string {
  const h = typeof header === 'string' ? Buffer.from(header, 'utf8') : Buffer.from(header);
  const n = Buffer.alloc(8);
  n.writeBigUInt64LE(length ?? BigInt(h.length));
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([n, h, data]));
  return path;
}

async function openError(path: string): Promise<SafetensorsError> {
  const e = await SafetensorsFile.open(path).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SafetensorsError);
  return e as SafetensorsError;
}

describe('reading the Python fixture', () => {
  const fixture = loadFixtureTensors('py-all-dtypes.json');

  it('gives metadata, names in data order, dtypes, shapes and sizes', async () => {
    await using f = await SafetensorsFile.open(fixturePath('py-all-dtypes.safetensors'));
    expect(f.metadata).toEqual(fixture.metadata);
    expect([...f.names].sort()).toEqual([...fixture.tensors.keys()].sort());
    let end = 0;
    for (const name of f.names) {
      const info = f.info(name);
      const want = fixture.tensors.get(name)!;
      expect([info.dtype, info.shape]).toEqual([want.dtype, want.shape]);
      expect(info.byteLength).toBe(want.data.byteLength);
      expect(info.dataOffsets[0]).toBe(end);
      end = info.dataOffsets[1];
    }
  });

  it('reads every dtype exactly as Python wrote it', async () => {
    await using f = await SafetensorsFile.open(fixturePath('py-all-dtypes.safetensors'));
    for (const [name, want] of fixture.tensors) {
      const got = await f.readArray(name);
      expect(got.dtype).toBe(want.dtype);
      expect(got.shape).toEqual(want.shape);
      expect(got.data.constructor).toBe(want.data.constructor);
      expect(sameElements(got.data, want.data), name).toBeUndefined();
    }
  });

  it('makes tfjs tensors: floats as float32, ints as int32, BOOL as bool, without leaks', async () => {
    await using f = await SafetensorsFile.open(fixturePath('py-all-dtypes.safetensors'));
    const before = tf.memory().numTensors;
    for (const [name, want] of fixture.tensors) {
      if (want.dtype === 'I64') continue; // holds values beyond int32: see the next test
      const t = await f.readTensor(name);
      const tfDtype = ['F64', 'F32', 'F16', 'BF16'].includes(want.dtype)
        ? 'float32'
        : want.dtype === 'BOOL'
          ? 'bool'
          : 'int32';
      expect(t.dtype).toBe(tfDtype);
      expect(t.shape).toEqual(want.shape);
      const expected =
        want.dtype === 'BF16'
          ? bf16ToFloat32(want.data as Uint16Array)
          : want.dtype === 'F16'
            ? f16ToFloat32(want.data as Uint16Array)
            : want.dtype === 'F64'
              ? Float32Array.from(want.data as Float64Array)
              : (want.data as ArrayLike<number>);
      expect(sameElements(Array.from(t.dataSync()), Array.from(expected)), name).toBeUndefined();
      t.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses I64 values outside int32 for tfjs, and gives them as BigInt64Array', async () => {
    await using f = await SafetensorsFile.open(fixturePath('py-all-dtypes.safetensors'));
    const err = await f.readTensor('i64').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SafetensorsError);
    expect((err as SafetensorsError).tensor).toBe('i64');
    expect((err as Error).message).toMatch(/value 1099511627777 at element 0 does not fit I32.*readArray/);
    expect((await f.readArray('i64')).data).toBeInstanceOf(BigInt64Array);
  });
});

describe('lazy reading', () => {
  it('reads only the header at open and only the asked tensor afterwards', async () => {
    const probe = await open(fixturePath('py-all-dtypes.safetensors'));
    const proto = Object.getPrototypeOf(probe) as { read: (...args: unknown[]) => Promise<unknown> };
    await probe.close();
    const spy = vi.spyOn(proto, 'read');
    try {
      const f = await SafetensorsFile.open(fixturePath('py-all-dtypes.safetensors'));
      const requested = () => spy.mock.calls.reduce((sum, call) => sum + (call[2] as number), 0);
      expect(requested()).toBe(f.dataStart);
      await f.readBytes('f32');
      expect(requested()).toBe(f.dataStart + f.info('f32').byteLength);
      await f.close();
    } finally {
      spy.mockRestore();
    }
  });

  it('reads a small tensor behind a 3 GB one without touching the big one', async () => {
    const big = 3_000_000_000;
    const header = Buffer.from(
      JSON.stringify({
        big: { dtype: 'U8', shape: [big], data_offsets: [0, big] },
        small: { dtype: 'I32', shape: [4], data_offsets: [big, big + 16] },
      }),
    );
    const path = rawFile('sparse.safetensors', header);
    const handle = await open(path, 'r+');
    await handle.truncate(8 + header.length + big); // a hole: no disk, no memory
    await handle.write(
      new Uint8Array(Int32Array.from([1, -2, 3, -4]).buffer),
      0,
      16,
      8 + header.length + big,
    );
    await handle.close();
    await using f = await SafetensorsFile.open(path);
    expect(f.info('big').byteLength).toBe(big);
    expect(Array.from((await f.readArray('small')).data as Int32Array)).toEqual([1, -2, 3, -4]);
    rmSync(path);
  });
});

describe('bad input', () => {
  const entry = (over: object = {}) => ({ dtype: 'F32', shape: [2], data_offsets: [0, 8], ...over });
  const data8 = new Uint8Array(8);

  it('rejects a file shorter than 8 bytes', async () => {
    const path = join(dir, 'tiny.safetensors');
    writeFileSync(path, new Uint8Array(5));
    expect((await openError(path)).message).toMatch(
      /file has 5 bytes; a safetensors file starts with an 8-byte header length/,
    );
  });

  it('rejects an absurd header length', async () => {
    const e = await openError(rawFile('huge.safetensors', '{}', undefined, 100_000_001n));
    expect(e.message).toMatch(/header length 100000001 exceeds the 100000000-byte limit/);
    expect(e.file).toMatch(/huge\.safetensors$/);
    expect(e.tensor).toBeUndefined();
  });

  it('rejects a header length beyond the file', async () => {
    const e = await openError(rawFile('short.safetensors', '{}', undefined, 64n));
    expect(e.message).toMatch(/header length 64 runs past the end of the 10-byte file/);
  });

  it.each([
    ['not UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), /header is not valid UTF-8/],
    ['not JSON', '{"a": ', /header is not valid JSON/],
    ['a JSON array', '[1, 2]', /header is not a JSON object/],
    ['a JSON string', '"x"', /header is not a JSON object/],
    ['metadata not strings', '{"__metadata__": {"n": 1}}', /__metadata__\.n is 1; expected a string/],
    ['metadata not an object', '{"__metadata__": [1]}', /__metadata__ is not an object/],
  ])('rejects a header that is %s', async (_, header, message) => {
    expect((await openError(rawFile('bad.safetensors', header))).message).toMatch(message);
  });

  it.each([
    ['no dtype', { dtype: undefined }, /no "dtype"/],
    ['no shape', { shape: undefined }, /no "shape"/],
    ['no data_offsets', { data_offsets: undefined }, /no "data_offsets"/],
    ['an unknown dtype', { dtype: 'F128' }, /unknown dtype "F128"; expected one of F64/],
    ['a negative dimension', { shape: [-2] }, /shape \[-2\] is not a list of non-negative integers/],
    ['a fractional dimension', { shape: [1.5] }, /shape \[1.5\] is not a list of non-negative integers/],
    ['offsets not a pair', { data_offsets: [0] }, /data_offsets \[0\] is not a pair/],
    ['end before start', { data_offsets: [8, 0] }, /data_offsets \[8, 0\] end before they start/],
    ['offsets past the data', { data_offsets: [0, 16], shape: [4] }, /run past the data section \(8 bytes\)/],
    ['a size mismatch', { shape: [3] }, /shape \[3\] of F32 needs 12 bytes but data_offsets \[0, 8\] hold 8/],
  ])('rejects a tensor entry with %s, naming the tensor', async (_, over, message) => {
    const e = await openError(rawFile('entry.safetensors', JSON.stringify({ w: entry(over) }), data8));
    expect(e.tensor).toBe('w');
    expect(e.message).toMatch(/entry\.safetensors: tensor "w": /);
    expect(e.message).toMatch(message);
  });

  it('rejects a truncated file', async () => {
    const e = await openError(
      rawFile('cut.safetensors', JSON.stringify({ w: entry({ shape: [4], data_offsets: [0, 16] }) }), data8),
    );
    expect(e.message).toMatch(/run past the data section \(8 bytes\): file truncated/);
  });

  it('rejects overlapping tensors, holes and trailing bytes', async () => {
    const overlap = { a: entry(), b: entry({ shape: [1], data_offsets: [4, 8] }) };
    expect((await openError(rawFile('o.safetensors', JSON.stringify(overlap), data8))).message).toMatch(
      /tensor "b": data_offsets start at 4, overlapping tensor "a" which ends at 8/,
    );
    const hole = {
      a: entry({ shape: [1], data_offsets: [0, 4] }),
      b: entry({ shape: [0], data_offsets: [8, 8] }),
    };
    expect((await openError(rawFile('h.safetensors', JSON.stringify(hole), data8))).message).toMatch(
      /tensor "b": .*leaving a hole after byte 4/,
    );
    const trailing = { a: entry({ shape: [1], data_offsets: [0, 4] }) };
    expect((await openError(rawFile('t.safetensors', JSON.stringify(trailing), data8))).message).toMatch(
      /cover 4 bytes but the data section has 8: trailing bytes/,
    );
  });

  it('names a missing file and a directory', async () => {
    expect((await openError(join(dir, 'nope.safetensors'))).message).toMatch(
      /nope\.safetensors: cannot open: ENOENT/,
    );
    expect((await openError(dir)).message).toMatch(/cannot read: EISDIR/);
  });

  it('names an unknown tensor, a closed file and a file that shrank', async () => {
    const path = rawFile('ok.safetensors', JSON.stringify({ w: entry() }), data8);
    const f = await SafetensorsFile.open(path);
    expect(() => f.info('v')).toThrow(/tensor "v": no such tensor/);
    await truncate(path, 12);
    await expect(f.readBytes('w')).rejects.toThrow(
      /tensor "w": file ends before byte 62 \(reading 8 bytes at 62\): truncated/,
    );
    await f.close();
    await f.close();
    await expect(f.readBytes('w')).rejects.toThrow(/tensor "w": file is closed/);
  });

  it('refuses BOOL bytes other than 0/1 and dtypes tfjs lacks, but gives their bytes', async () => {
    const header = JSON.stringify({
      b: { dtype: 'BOOL', shape: [2], data_offsets: [0, 2] },
      q: { dtype: 'F8_E4M3', shape: [2], data_offsets: [2, 4] },
    });
    await using f = await SafetensorsFile.open(
      rawFile('odd.safetensors', header, new Uint8Array([1, 2, 0x38, 0xb8])),
    );
    await expect(f.readTensor('b')).rejects.toThrow(/tensor "b": BOOL element 1 is byte 2; expected 0 or 1/);
    await expect(f.readTensor('q')).rejects.toThrow(
      /dtype F8_E4M3 has no tfjs equivalent; read its raw bytes/,
    );
    expect(Array.from(await f.readBytes('q'))).toEqual([0x38, 0xb8]);
  });
});
