// Our bitsandbytes formats against bytes bitsandbytes itself wrote on a GPU: tools/fixtures/make_bnb_fixtures.py
// makes packages/quant/src/fixtures/bnb/. Until that has been run, these tests are skipped (and say so).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bf16ToFloat32, f16ToFloat32, SafetensorsFile } from '@medgpt/core-tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roundToDtype, type BnbDtype } from './bnb-dtype.js';
import { parseBnbQuantizationConfig, quantizationConfigJson } from './bnb-quantization-config.js';
import { dequantizeBnbWeight, quantizeBnbWeight, type BnbWeight } from './bnb-weight.js';
import { bnbWeightTensors } from './bnb-weight-tensors.js';
import { createDynamicMap } from './create-dynamic-map.js';
import { dequantize4bit } from './dequantize-4bit.js';
import { FP4_CODE } from './fp4-code.js';
import { NF4_CODE } from './nf4-code.js';
import { quantize4bit, type FourBitQuantType } from './quantize-4bit.js';
import { dequantizeInt8Rows, quantizeInt8Rows } from './quantize-int8-rows.js';
import { quantStateJsonText } from './quant-state-json.js';
import { readBnbWeight } from './read-bnb-weight.js';

const DIR = fileURLToPath(new URL('../fixtures/bnb/', import.meta.url));
const MANIFEST = join(DIR, 'bnb-fixtures.json');
const present = existsSync(MANIFEST);
const MISSING =
  'no bitsandbytes fixture in packages/quant/src/fixtures/bnb: run tools/fixtures/make_bnb_fixtures.py on a GPU machine';
if (!present) console.warn(`bnb-fixture.test.ts: SKIPPED, ${MISSING}`);

interface Case4bit {
  name: string;
  kind: '4bit';
  quant_type: FourBitQuantType;
  blocksize: number;
  compress_statistics: boolean;
  dtype: BnbDtype;
  shape: number[];
  quant_state_json: string;
  nested_offset: number | null;
  packed_hex: string;
}
interface CaseInt8 {
  name: string;
  kind: 'int8';
  threshold: number;
  shape: [number, number];
  outlier_cols: number[];
}
interface Manifest {
  versions: Record<string, string>;
  cases: (Case4bit | CaseInt8)[];
}

const manifest: Manifest = present ? JSON.parse(readFileSync(MANIFEST, 'utf8')) : { versions: {}, cases: [] };
const cases4 = manifest.cases.filter((c): c is Case4bit => c.kind === '4bit');
const casesInt8 = manifest.cases.filter((c): c is CaseInt8 => c.kind === 'int8');

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Where two byte strings differ: undefined when equal, else a count and the first offsets. */
function diff(ours: ArrayBufferView, theirs: ArrayBufferView): string | undefined {
  const a = bytesOf(ours);
  const b = bytesOf(theirs);
  if (a.length !== b.length) return `${a.length} bytes here, ${b.length} from bitsandbytes`;
  const at: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) at.push(i);
  if (at.length === 0) return undefined;
  const show = at.slice(0, 8).map((i) => `@${i}: ${a[i]} vs ${b[i]}`);
  return `${at.length} of ${a.length} bytes differ (${show.join(', ')})`;
}

function expectSame(ours: ArrayBufferView, theirs: ArrayBufferView, what: string): void {
  expect(diff(ours, theirs), what).toBeUndefined();
}

/** A fixture tensor as float32 values (F16/BF16 widened exactly). */
async function floats(file: SafetensorsFile, name: string): Promise<Float32Array> {
  const a = await file.readArray(name);
  if (a.dtype === 'F32') return a.data as Float32Array;
  if (a.dtype === 'BF16') return bf16ToFloat32(a.data as Uint16Array);
  if (a.dtype === 'F16') return f16ToFloat32(a.data as Uint16Array);
  throw new Error(`${file.path}: ${name} is ${a.dtype}; expected a float tensor`);
}

/** Every tensor we would write for `w` equals the one bitsandbytes / transformers wrote. */
async function expectSameTensors(file: SafetensorsFile, name: string, w: BnbWeight): Promise<void> {
  for (const [key, t] of bnbWeightTensors(name, w)) {
    if (!file.has(key) && key.endsWith('weight_format')) continue; // older writers leave it out
    expect(file.has(key), `${key} in ${file.path}`).toBe(true);
    expect(file.info(key).dtype, key).toBe(t.dtype);
    expect(file.info(key).shape, key).toEqual(t.shape);
    expectSame(t.data, await file.readBytes(key), key);
  }
}

describe(`bitsandbytes GPU fixture (${present ? JSON.stringify(manifest.versions) : 'missing'})`, () => {
  let bnb: SafetensorsFile;
  let inputs: SafetensorsFile;
  beforeAll(async () => {
    if (!present) return;
    bnb = await SafetensorsFile.open(join(DIR, 'bnb.safetensors'));
    inputs = await SafetensorsFile.open(join(DIR, 'inputs.safetensors'));
  });
  afterAll(async () => {
    await bnb?.close();
    await inputs?.close();
  });

  if (!present) it.skip(MISSING, () => {});

  it.skipIf(!present)('the code tables and the dynamic map are bitsandbytes’ own, bit for bit', async () => {
    expectSame(Float32Array.from(NF4_CODE), await floats(bnb, 'nf4_code'), 'nf4_code');
    expectSame(Float32Array.from(FP4_CODE), await floats(bnb, 'fp4_code'), 'fp4_code');
    expectSame(createDynamicMap(), await floats(bnb, 'dynamic_map'), 'create_dynamic_map()');
  });

  it.skipIf(!present || cases4.length === 0).each(cases4)('4-bit $name', async (c) => {
    const x = await floats(inputs, `${c.name}.input`);
    const name = `${c.name}.weight`;
    // Their tensors read with our reader, dequantised by us: bitsandbytes' own output, bit for bit.
    const theirs = await readBnbWeight(bnb, name);
    expect(theirs.bits).toBe(4);
    expectSame(dequantizeBnbWeight(theirs), await floats(bnb, `${c.name}.dequantized`), 'dequantised');
    // Our quantisation of the same input (with bitsandbytes' offset: its mean is a GPU float32 sum).
    const offset = c.nested_offset ?? undefined;
    const ours = quantize4bit(x, c.shape, {
      quantType: c.quant_type,
      blocksize: c.blocksize,
      compressStatistics: c.compress_statistics,
      dtype: c.dtype,
      nestedOffset: offset,
    });
    expect(Buffer.from(ours.packed).toString('hex')).toBe(c.packed_hex);
    const state = {
      quant_type: c.quant_type,
      blocksize: c.blocksize,
      dtype: c.dtype,
      shape: c.shape,
      ...(offset === undefined ? {} : { nested_offset: offset }),
    };
    expect(quantStateJsonText(state)).toBe(c.quant_state_json);
    await expectSameTensors(bnb, name, { bits: 4, weight: ours });
    if (offset !== undefined) {
      // Our own mean: the correctly rounded float32 mean; bitsandbytes' may differ in the last bits.
      const own = quantize4bit(x, c.shape, {
        ...state,
        quantType: c.quant_type,
        compressStatistics: true,
        dtype: c.dtype,
      });
      const rel = Math.abs(own.nested!.offset - offset) / Math.abs(offset);
      expect(rel, `our offset ${own.nested!.offset} vs bitsandbytes ${offset}`).toBeLessThan(1e-5);
      expect(dequantize4bit(ours).length).toBe(x.length);
    }
  });

  it.skipIf(!present || casesInt8.length === 0).each(casesInt8)('LLM.int8() $name', async (c) => {
    const x = await floats(inputs, `${c.name}.input`);
    const [rows, cols] = c.shape;
    const q =
      c.threshold === 0
        ? quantizeBnbWeight(x, c.shape, { bits: 8 })
        : {
            bits: 8 as const,
            weight: (() => {
              const r = quantizeInt8Rows(roundToDtype(x, 'float16'), rows, cols, { threshold: c.threshold });
              expect(r.outlierCols).toEqual(c.outlier_cols);
              return { shape: c.shape, int8: r.int8, scb: r.scb };
            })(),
          };
    if (q.bits !== 8) throw new Error('expected 8 bits');
    expectSame(q.weight.int8, await bnb.readBytes(`${c.name}.weight`), 'int8');
    expectSame(q.weight.scb, await bnb.readBytes(`${c.name}.SCB`), 'SCB');
    const theirs = await readBnbWeight(bnb, `${c.name}.weight`);
    if (theirs.bits !== 8) throw new Error('expected 8 bits');
    const back = dequantizeInt8Rows({ int8: theirs.weight.int8, scb: theirs.weight.scb, rows, cols });
    expectSame(back, await floats(bnb, `${c.name}.dequantized`), 'dequantised');
  });

  it.skipIf(!present).each(['nf4', 'int8'])(
    'transformers tiny Llama, %s: config.json and every quantised weight',
    async (tag) => {
      const dir = join(DIR, `tiny-llama-${tag}`);
      const configPath = join(dir, 'config.json');
      const config = JSON.parse(readFileSync(configPath, 'utf8'));
      const qc = parseBnbQuantizationConfig(config.quantization_config, configPath);
      expect(quantizationConfigJson(qc)).toEqual(config.quantization_config);
      const q = await SafetensorsFile.open(join(dir, 'model.safetensors'));
      const fp = await SafetensorsFile.open(join(DIR, 'tiny-llama-fp32', 'model.safetensors'));
      const deq = await SafetensorsFile.open(join(DIR, `tiny-llama-${tag}-dequantized.safetensors`));
      try {
        expect(deq.names.length).toBeGreaterThan(0);
        for (const name of deq.names) {
          const theirs = await readBnbWeight(q, name);
          expectSame(dequantizeBnbWeight(theirs), await floats(deq, name), `${name} dequantised`);
          const original = await floats(fp, name);
          const shape = fp.info(name).shape.slice();
          const ours =
            theirs.bits === 4
              ? quantizeBnbWeight(original, shape, {
                  bits: 4,
                  quantType: qc.bnb_4bit_quant_type,
                  compressStatistics: qc.bnb_4bit_use_double_quant,
                  dtype: theirs.weight.dtype,
                  nestedOffset: theirs.weight.nested?.offset,
                })
              : quantizeBnbWeight(original, shape, { bits: 8 });
          await expectSameTensors(q, name, ours);
        }
      } finally {
        await q.close();
        await fp.close();
        await deq.close();
      }
    },
  );
});
