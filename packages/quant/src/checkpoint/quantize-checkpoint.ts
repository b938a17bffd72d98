import { mkdir, mkdtemp, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { castSafetensorsArray } from '@medgpt/core-tensor';
import { isQuantizableParameter, parameterSpecs, type ParameterKind } from '@medgpt/models';
import { bnbConfigJsonText } from '../bnb/bnb-config-json-text.js';
import type { BnbDtype } from '../bnb/bnb-dtype.js';
import { BnbError } from '../bnb/bnb-error.js';
import { bnbQuantizationConfig, type BnbQuantizationConfig } from '../bnb/bnb-quantization-config.js';
import { bnbWeightTensors } from '../bnb/bnb-weight-tensors.js';
import { dequantizeBnbWeight, quantizeBnbWeight } from '../bnb/bnb-weight.js';
import type { FourBitQuantType } from '../bnb/quantize-4bit.js';
import { checkpointWeights } from '../gguf/model-weights.js';
import { copyModelFiles } from './copy-model-files.js';
import { STORED_WEIGHT_DTYPE } from './stored-weight-dtype.js';
import { DequantizationErrors, type DequantizationError } from './dequantization-errors.js';
import { ShardWriter } from './shard-writer.js';

/** Options of `quantizeCheckpoint`; the names follow transformers' `BitsAndBytesConfig`. */
export interface QuantizeCheckpointOptions {
  /** The Hugging Face model directory to quantise (config.json, model.safetensors or shards). */
  model: string;
  /** Where the quantised model goes: a new (or empty) directory, written whole or not at all. */
  outputDir: string;
  /** 4 (`load_in_4bit`: NF4/FP4 blocks of 64) or 8 (`load_in_8bit`: LLM.int8() rows). */
  bits: 4 | 8;
  /** `bnb_4bit_quant_type`: 'nf4' (default here, as MedicalGPT's model_quant.py) or 'fp4'. */
  quantType?: FourBitQuantType;
  /** `bnb_4bit_use_double_quant`: double-quantise the absmax. Default false (transformers). */
  doubleQuant?: boolean;
  /** `bnb_4bit_compute_dtype`, recorded in quantization_config. Default 'float32' (transformers). */
  computeDtype?: BnbDtype;
  /** Largest weight file, bytes or "5GB"-style (default "5GB", as save_pretrained). */
  maxShardSize?: number | string;
  /** config.json keys to accept although @medgpt/models does not know them. */
  ignoreConfigKeys?: readonly string[];
  /** Called after each parameter with its name, index (from 0) and count. */
  onTensor?: (name: string, index: number, count: number) => void;
}

/** What `quantizeCheckpoint` wrote. */
export interface QuantizeCheckpointResult {
  outputDir: string;
  /** The weight files written, in shard order. */
  files: string[];
  /** model.safetensors.index.json, when the weights were sharded. */
  indexFile: string | undefined;
  /** config.json's `quantization_config`. */
  quantizationConfig: BnbQuantizationConfig;
  /** Linear weights quantised. */
  quantized: number;
  /** Parameters kept as they were (embeddings, lm_head, norms, biases). */
  kept: number;
  /** Bytes of the source's and the output's safetensors files. */
  bytesBefore: number;
  bytesAfter: number;
  /** Dequantisation error per kind of weight (`self_attn.q_proj`, ...), in the order of the layers. */
  errors: DequantizationError[];
  /** Tokenizer and generation files copied from the source. */
  copied: string[];
}

/** Whether parameter `name` is a decoder layer's Linear weight, which bitsandbytes quantises. */
export function isQuantizedLinear(name: string, kind: ParameterKind): boolean {
  return isQuantizableParameter({ name, kind });
}

/**
 * Writes a bitsandbytes-quantised copy of a Hugging Face model, as transformers' `save_pretrained` of a
 * model loaded with `BitsAndBytesConfig(load_in_4bit | load_in_8bit, ...)` writes it (MedicalGPT's
 * tools/model_quant.py): every decoder Linear weight (q/k/v/o, gate/up/down) in transformers' bnb
 * layout (4-bit: packed codes, absmax, quant map, quant state; 8-bit: int8 + SCB), bit-exact with
 * bitsandbytes; embeddings, lm_head, norms and biases unchanged; config.json with `quantization_config`;
 * tokenizer and generation files copied. The weights are read one tensor at a time (a 7B checkpoint
 * never sits in float32 in memory; the shard being filled holds quantised tensors only) and written
 * into a temporary directory renamed to `outputDir` at the end.
 *
 * ```ts
 * const r = await quantizeCheckpoint({ model: 'merged-sft', outputDir: 'merged-sft-nf4', bits: 4, doubleQuant: true });
 * ```
 */
export async function quantizeCheckpoint(
  options: QuantizeCheckpointOptions,
): Promise<QuantizeCheckpointResult> {
  const { bits, quantType = 'nf4', doubleQuant = false, computeDtype = 'float32' } = options;
  if (bits !== 4 && bits !== 8) {
    throw new BnbError('quantizeCheckpoint', undefined, `bits ${JSON.stringify(bits)}; expected 4 or 8`);
  }
  const quantizationConfig = bnbQuantizationConfig({
    load_in_4bit: bits === 4,
    load_in_8bit: bits === 8,
    bnb_4bit_quant_type: quantType,
    bnb_4bit_use_double_quant: doubleQuant,
    bnb_4bit_compute_dtype: computeDtype,
  });
  const source = resolve(options.model);
  const outputDir = resolve(options.outputDir);
  await checkOutputDir(source, outputDir);

  const configFile = join(source, 'config.json');
  const rawConfig = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
  if (rawConfig.quantization_config !== undefined) {
    throw new BnbError(
      configFile,
      'quantization_config',
      'is set: the model is quantised already; quantise the full-precision model',
      {
        subject: 'key',
      },
    );
  }
  const weights = await checkpointWeights(source, { ignoreConfigKeys: options.ignoreConfigKeys });
  await mkdir(dirname(outputDir), { recursive: true });
  const temp = await mkdtemp(join(dirname(outputDir), `.${basename(outputDir)}.tmp-`));
  try {
    const shards = new ShardWriter(temp, options.maxShardSize ?? '5GB');
    const errors = new DequantizationErrors();
    const specs = parameterSpecs(weights.config);
    let quantized = 0;
    for (const [i, spec] of specs.entries()) {
      const array = await weights.readArray(spec.name);
      if (isQuantizedLinear(spec.name, spec.kind)) {
        const place = { file: weights.fileFor(spec.name), tensor: spec.name };
        const values = castSafetensorsArray(array, 'F32', place).data as Float32Array;
        const w = quantizeBnbWeight(
          values,
          spec.shape,
          bits === 4
            ? {
                bits: 4,
                quantType,
                compressStatistics: doubleQuant,
                dtype: STORED_WEIGHT_DTYPE[array.dtype]!,
                name: spec.name,
              }
            : { bits: 8, name: spec.name },
        );
        errors.add(spec.name, values, dequantizeBnbWeight(w));
        for (const [name, t] of bnbWeightTensors(spec.name, w)) await shards.add(name, t);
        quantized++;
      } else {
        await shards.add(spec.name, array);
      }
      options.onTensor?.(spec.name, i, specs.length);
    }
    const written = await shards.finish();
    await writeFile(join(temp, 'config.json'), bnbConfigJsonText(rawConfig, quantizationConfig), 'utf8');
    const copied = await copyModelFiles(source, temp);
    const bytesBefore = await safetensorsBytes(source);
    const bytesAfter = await safetensorsBytes(temp);
    if (await exists(outputDir)) await rmdir(outputDir); // checked empty above
    await rename(temp, outputDir);
    const moved = (path: string) => join(outputDir, basename(path));
    return {
      outputDir,
      files: written.files.map(moved),
      indexFile: written.indexFile === undefined ? undefined : moved(written.indexFile),
      quantizationConfig,
      quantized,
      kept: specs.length - quantized,
      bytesBefore,
      bytesAfter,
      errors: errors.summary(),
      copied,
    };
  } catch (e) {
    await rm(temp, { recursive: true, force: true });
    throw e;
  } finally {
    await weights.close();
  }
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

async function checkOutputDir(source: string, outputDir: string): Promise<void> {
  if (outputDir === source) {
    throw new BnbError(outputDir, undefined, 'is the model being quantised; choose another output directory');
  }
  const info = await stat(outputDir).catch(() => undefined);
  if (info === undefined) return;
  if (!info.isDirectory()) throw new BnbError(outputDir, undefined, 'exists and is not a directory');
  const entries = await readdir(outputDir);
  if (entries.length > 0) {
    throw new BnbError(
      outputDir,
      undefined,
      `exists and is not empty (${entries.length} entries, e.g. ${JSON.stringify(entries[0])}); choose a new output directory or remove it`,
    );
  }
}

/** Bytes of the safetensors weight files in `dir`. */
async function safetensorsBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) {
    if (name.endsWith('.safetensors')) total += (await stat(join(dir, name))).size;
  }
  return total;
}
