import { readFile, readdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gguf, GGUFValueType } from '@huggingface/gguf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quantizeQ4_0 } from './block-q4-0.js';
import { quantizeQ8_0 } from './block-q8-0.js';
import { encodeTensorData } from './encode-tensor-data.js';
import { ggufValue, type GgufMetadata } from './gguf-value.js';
import { writeGguf, type GgufTensorSource } from './write-gguf.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'medgpt-gguf-write-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const values = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 3);

function metadata(): GgufMetadata {
  return new Map([
    ['general.architecture', ggufValue.string('llama')],
    ['general.name', ggufValue.string('tiny ✓ (UTF-8)')],
    ['llama.block_count', ggufValue.u32(2)],
    ['llama.rope.freq_base', ggufValue.f32(10000)],
    ['test.i32', ggufValue.i32(-7)],
    ['test.u8', { type: 'u8', value: 255 }],
    ['test.i16', { type: 'i16', value: -300 }],
    ['test.u64', { type: 'u64', value: 2n ** 40n }],
    ['test.f64', { type: 'f64', value: 0.1 }],
    ['test.bool', ggufValue.bool(true)],
    ['test.strings', ggufValue.strings(['a', 'Ġ b', ''])],
    ['test.i32s', ggufValue.i32s([1, -2, 3])],
    ['test.empty', ggufValue.strings([])],
  ]);
}

function tensors(): GgufTensorSource[] {
  return [
    { name: 'a.f32', shape: [3], type: 'f32', data: () => encodeTensorData(values(3), 'f32') },
    { name: 'b.f16', shape: [2, 5], type: 'f16', data: () => encodeTensorData(values(10), 'f16') },
    { name: 'c.q8_0', shape: [3, 64], type: 'q8_0', data: () => quantizeQ8_0(values(192)) },
    { name: 'd.q4_0', shape: [2, 32], type: 'q4_0', data: () => quantizeQ4_0(values(64)) },
  ];
}

describe('writeGguf', () => {
  it('writes a v3 file that @huggingface/gguf parses: metadata, tensor infos with dims reversed, aligned offsets', async () => {
    const path = join(root, 'a.gguf');
    const result = await writeGguf(path, metadata(), tensors());
    const parsed = await gguf(path, { allowLocalFile: true, typedMetadata: true });
    expect(parsed.metadata.version).toBe(3);
    expect(parsed.metadata.tensor_count).toBe(4n);
    expect(parsed.metadata.kv_count).toBe(13n);
    expect(parsed.metadata['general.architecture']).toBe('llama');
    expect((parsed.metadata as unknown as Record<string, unknown>)['general.name']).toBe('tiny ✓ (UTF-8)');
    expect(parsed.typedMetadata['llama.block_count']).toEqual({ value: 2, type: GGUFValueType.UINT32 });
    expect(parsed.typedMetadata['llama.rope.freq_base']).toEqual({
      value: 10000,
      type: GGUFValueType.FLOAT32,
    });
    const m = parsed.metadata as unknown as Record<string, unknown>;
    expect([m['test.i32'], m['test.u8'], m['test.i16'], m['test.u64'], m['test.bool']]).toEqual([
      -7,
      255,
      -300,
      2n ** 40n,
      true,
    ]);
    expect(m['test.f64']).toBe(0.1);
    expect(m['test.strings']).toEqual(['a', 'Ġ b', '']);
    expect(m['test.i32s']).toEqual([1, -2, 3]);
    expect(m['test.empty']).toEqual([]);
    expect(parsed.typedMetadata['test.i32s']).toMatchObject({
      type: GGUFValueType.ARRAY,
      subType: GGUFValueType.INT32,
    });

    expect(parsed.tensorInfos.map((t) => [t.name, t.shape, t.dtype])).toEqual([
      ['a.f32', [3n], 0],
      ['b.f16', [5n, 2n], 1],
      ['c.q8_0', [64n, 3n], 8],
      ['d.q4_0', [32n, 2n], 2],
    ]);
    // Sizes 12, 20, 3*2*34 = 204 and 2*18 = 36 bytes, each padded to 32.
    expect(parsed.tensorInfos.map((t) => t.offset)).toEqual([0n, 32n, 64n, 288n]);
    expect(parsed.tensorDataOffset).toBe(BigInt(result.dataOffset));
    expect(result.dataOffset % 32).toBe(0);
    expect((await stat(path)).size).toBe(result.bytes);
    expect(result.bytes).toBe(result.dataOffset + 288 + 64);

    // The bytes are where the infos say.
    const file = await readFile(path);
    const at = (offset: bigint, n: number) =>
      file.subarray(result.dataOffset + Number(offset), result.dataOffset + Number(offset) + n);
    expect([...at(parsed.tensorInfos[2]!.offset, 204)]).toEqual([...quantizeQ8_0(values(192))]);
    expect([...at(parsed.tensorInfos[3]!.offset, 36)]).toEqual([...quantizeQ4_0(values(64))]);
    expect(new Float32Array(new Uint8Array(at(0n, 12)).buffer)).toEqual(values(3));
  });

  it('honours another alignment, written as general.alignment', async () => {
    const path = join(root, 'b.gguf');
    const result = await writeGguf(path, metadata(), tensors(), { alignment: 64 });
    const parsed = await gguf(path, { allowLocalFile: true, typedMetadata: true });
    expect(parsed.typedMetadata['general.alignment']).toEqual({ value: 64, type: GGUFValueType.UINT32 });
    expect(parsed.tensorInfos.map((t) => t.offset)).toEqual([0n, 64n, 128n, 384n]);
    expect(result.dataOffset % 64).toBe(0);
    await expect(writeGguf(join(root, 'c.gguf'), metadata(), tensors(), { alignment: 48 })).rejects.toThrow(
      'general.alignment must be a u32 power of two',
    );
  });

  it('leaves nothing behind when a tensor fails, and names the tensor whose data has the wrong size', async () => {
    const dir = await mkdtemp(join(root, 'fail-'));
    const bad = tensors();
    bad[2] = { ...bad[2]!, data: () => new Uint8Array(10) };
    await expect(writeGguf(join(dir, 'x.gguf'), metadata(), bad)).rejects.toThrow(
      'tensor c.q8_0 (q8_0 [3,64]) has 10 bytes of data; expected 204',
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses values that do not fit their type, long names, repeated names and shapes that are not whole blocks', async () => {
    const meta = metadata();
    meta.set('llama.block_count', ggufValue.u32(-1));
    await expect(writeGguf(join(root, 'd.gguf'), meta, [])).rejects.toThrow(
      'GGUF metadata llama.block_count: -1 is not a u32',
    );
    const long = [{ ...tensors()[0]!, name: 'x'.repeat(64) }];
    await expect(writeGguf(join(root, 'd.gguf'), metadata(), long)).rejects.toThrow('longer than 63 bytes');
    const twice = [tensors()[0]!, tensors()[0]!];
    await expect(writeGguf(join(root, 'd.gguf'), metadata(), twice)).rejects.toThrow(
      'tensor a.f32 is listed twice',
    );
    const ragged = [{ ...tensors()[3]!, shape: [2, 20] }];
    await expect(writeGguf(join(root, 'd.gguf'), metadata(), ragged)).rejects.toThrow(
      '40 elements are not a whole number of q4_0 blocks of 32',
    );
  });
});
