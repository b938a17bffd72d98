import { open } from 'node:fs/promises';
import { gguf } from '@huggingface/gguf';
import { f16ToFloat32 } from '@medgpt/core-tensor';
import { dequantizeQ4_0 } from '../block-q4-0.js';
import { dequantizeQ8_0 } from '../block-q8-0.js';
import { GGML_TYPES, ggmlTensorBytes, type GgmlTypeName } from '../ggml-type.js';

export interface ReadTensor {
  type: GgmlTypeName;
  /** Row-major, outermost first (the file's dims reversed back). */
  shape: number[];
  values: Float32Array;
}

const BY_CODE = new Map(Object.entries(GGML_TYPES).map(([name, t]) => [t.code, name as GgmlTypeName]));

/**
 * Every tensor of a GGUF file decoded to float32, its layout taken from @huggingface/gguf's parse of
 * the header (an independent reader) and its bytes read at `tensorDataOffset + offset`.
 */
export async function readGgufTensors(path: string): Promise<Map<string, ReadTensor>> {
  const parsed = await gguf(path, { allowLocalFile: true });
  const file = await open(path, 'r');
  try {
    const out = new Map<string, ReadTensor>();
    for (const info of parsed.tensorInfos) {
      const type = BY_CODE.get(info.dtype);
      if (type === undefined) throw new Error(`${path}: ${info.name} has ggml type ${info.dtype}`);
      const shape = info.shape.map(Number).reverse();
      const elements = shape.reduce((a, b) => a * b, 1);
      const bytes = new Uint8Array(ggmlTensorBytes(type, elements));
      await file.read(bytes, 0, bytes.length, Number(parsed.tensorDataOffset + info.offset));
      const values =
        type === 'f32'
          ? new Float32Array(bytes.buffer)
          : type === 'f16'
            ? f16ToFloat32(new Uint16Array(bytes.buffer))
            : type === 'q8_0'
              ? dequantizeQ8_0(bytes)
              : dequantizeQ4_0(bytes);
      out.set(info.name, { type, shape, values });
    }
    return out;
  } finally {
    await file.close();
  }
}
