import { basename, join, resolve } from 'node:path';
import { parameterSpecs, type CausalLM, type ModelConfig } from '@medgpt/models';
import { loadTokenizer } from '@medgpt/tokenizer';
import { architectureMetadata } from './architecture-metadata.js';
import { chooseTensorType, GGUF_FILE_TYPES, GGUF_OUT_TYPES, type GgufOutType } from './choose-tensor-type.js';
import { encodeTensorData } from './encode-tensor-data.js';
import type { GgmlTypeName } from './ggml-type.js';
import { GGUF_ARCHITECTURES, type GgufArchitecture } from './gguf-architecture.js';
import { GgufExportError } from './gguf-export-error.js';
import { ggufTensorName } from './gguf-tensor-name.js';
import { ggufValue, type GgufMetadata } from './gguf-value.js';
import { checkpointWeights, loadedModelWeights, type ModelWeights } from './model-weights.js';
import { permuteLlamaQk } from './permute-llama-qk.js';
import { ropeMetadata } from './rope-metadata.js';
import { tokenizerMetadata } from './tokenizer-metadata.js';
import { writeGguf, type GgufTensorSource } from './write-gguf.js';

export interface ExportGgufOptions {
  /**
   * A Hugging Face model directory (config.json and safetensors, read one tensor at a time), or a
   * model loaded by @medgpt/models (then `tokenizer` is required).
   */
  model: string | CausalLM;
  /** The GGUF file to write (atomically). */
  output: string;
  /** Type of the weight matrices: f32, f16, q8_0 or q4_0. Norms and biases stay f32. */
  outType: GgufOutType;
  /** Tokenizer directory (tokenizer.json, tokenizer_config.json). Default: the model directory. */
  tokenizer?: string;
  /** `general.name`. Default: the model directory's name. */
  name?: string;
  /** `tokenizer.ggml.pre` to write instead of the one recognised from tokenizer.json's regex. */
  tokenizerPre?: string;
  /** Data alignment (`general.alignment`, a power of two). Default 32. */
  alignment?: number;
  /** config.json keys to accept without knowing them (as @medgpt/models' loadModel). */
  ignoreConfigKeys?: readonly string[];
  /** Called as each tensor is encoded, just before its bytes are written. */
  onTensor?: (tensor: ExportedTensor, index: number, count: number) => void;
}

/** One tensor of the written file. */
export interface ExportedTensor {
  /** llama.cpp's name (`blk.0.attn_q.weight`). */
  name: string;
  /** The Hugging Face parameter it comes from; null for tensors made on export (`rope_freqs.weight`). */
  source: string | null;
  /** Row-major shape, torch's order (the file stores it reversed). */
  shape: number[];
  type: GgmlTypeName;
  /** Why the type differs from the out type, when it does for a matrix. */
  note?: string;
}

export interface ExportGgufResult {
  path: string;
  /** File size in bytes. */
  bytes: number;
  /** `general.architecture`. */
  architecture: string;
  outType: GgufOutType;
  tensors: ExportedTensor[];
  /** Things llama.cpp will do differently from medgpt/transformers with this model. */
  warnings: string[];
}

interface PlannedTensor extends ExportedTensor {
  data: () => Promise<Float32Array>;
}

function architectureOf(config: ModelConfig, file: string): GgufArchitecture {
  const arch = GGUF_ARCHITECTURES.get(config.modelType);
  if (arch === undefined) {
    throw new GgufExportError(
      file,
      'model_type',
      `'${config.modelType}' is not exported to GGUF; supported: ${[...GGUF_ARCHITECTURES.keys()].join(', ')}`,
    );
  }
  if (config.numLabels !== null) {
    throw new GgufExportError(
      file,
      'architectures',
      `names ${config.className}, a sequence classifier (score head); GGUF export takes causal LMs`,
    );
  }
  return arch;
}

function plan(
  weights: ModelWeights,
  arch: GgufArchitecture,
  ropeFreqs: Float32Array | null,
): PlannedTensor[] {
  const c = weights.config;
  const out: PlannedTensor[] = [];
  for (const spec of parameterSpecs(c)) {
    const name = ggufTensorName(spec.name);
    if (name === undefined) {
      throw new GgufExportError(weights.fileFor(spec.name), spec.name, 'has no llama.cpp tensor name');
    }
    const heads = spec.name.includes('.self_attn.q_proj.')
      ? c.numAttentionHeads
      : spec.name.includes('.self_attn.k_proj.')
        ? c.numKeyValueHeads
        : 0;
    const permute = arch.permuteQk && heads > 0;
    out.push({
      name,
      source: spec.name,
      shape: spec.shape,
      type: 'f32',
      data: async () => {
        const values = await weights.read(spec.name);
        return permute ? permuteLlamaQk(values, spec.shape[0]!, heads) : values;
      },
    });
  }
  if (ropeFreqs !== null) {
    out.push({
      name: 'rope_freqs.weight',
      source: null,
      shape: [ropeFreqs.length],
      type: 'f32',
      data: async () => ropeFreqs,
    });
  }
  return out;
}

/**
 * Exports a Llama / Mistral / Qwen2 / Qwen3 model with a byte-level BPE tokenizer to a GGUF file that
 * llama.cpp (and Ollama, LM Studio, node-llama-cpp) runs: the architecture keys, the tokenizer keys,
 * and every weight under llama.cpp's name in f32, f16, q8_0 or q4_0 (llama.cpp's block layouts; norms
 * and biases f32; Llama's q/k rows permuted for its RoPE). What llama.cpp's convert_hf_to_gguf.py
 * (and llama-quantize for q4_0) would write, with the differences listed in the README.
 */
export async function exportGguf(options: ExportGgufOptions): Promise<ExportGgufResult> {
  const output = resolve(options.output);
  if (!(GGUF_OUT_TYPES as readonly string[]).includes(options.outType)) {
    throw new GgufExportError(
      output,
      'outType',
      `is ${JSON.stringify(options.outType)}; expected one of ${GGUF_OUT_TYPES.join(', ')}`,
    );
  }
  const fromDir = typeof options.model === 'string';
  const tokenizerDir = options.tokenizer ?? (fromDir ? (options.model as string) : undefined);
  if (tokenizerDir === undefined) {
    throw new GgufExportError(
      output,
      'tokenizer',
      'a loaded model needs the tokenizer directory (options.tokenizer)',
    );
  }
  const weights = fromDir
    ? await checkpointWeights(options.model as string, { ignoreConfigKeys: options.ignoreConfigKeys })
    : loadedModelWeights(options.model as CausalLM);
  try {
    const c = weights.config;
    const configFile = fromDir ? join(weights.source, 'config.json') : weights.source;
    const arch = architectureOf(c, configFile);
    const a = arch.name;
    const rope = ropeMetadata(c, a, configFile);
    const tokenizer = await loadTokenizer(tokenizerDir);
    const warnings: string[] = [];
    if (c.slidingWindows.some((w) => w !== null)) {
      warnings.push(
        `sliding-window attention (window ${c.slidingWindows.find((w) => w !== null)}) is not written: llama.cpp's ${a} attends to the whole context`,
      );
    }

    const tensors = plan(weights, arch, rope.ropeFreqs);
    const hasOutput = tensors.some((t) => t.name === 'output.weight');
    for (const t of tensors) {
      const choice = chooseTensorType(t.name, t.shape, options.outType, {
        hasOutput,
        file: t.source === null ? configFile : weights.fileFor(t.source),
      });
      t.type = choice.type;
      if (choice.note !== undefined) t.note = choice.note;
    }

    const metadata: GgufMetadata = new Map();
    metadata.set('general.architecture', ggufValue.string(a));
    const name = options.name ?? (fromDir ? basename(resolve(weights.source)) : undefined);
    if (name !== undefined) metadata.set('general.name', ggufValue.string(name));
    for (const [key, value] of architectureMetadata(c, arch)) metadata.set(key, value);
    for (const [key, value] of rope.metadata) metadata.set(key, value);
    metadata.set('general.file_type', ggufValue.u32(GGUF_FILE_TYPES[options.outType]));
    metadata.set('general.quantization_version', ggufValue.u32(2));
    const tokenizerKeys = tokenizerMetadata(tokenizer, {
      vocabSize: c.vocabSize,
      configTokenIds: { bos: c.bosTokenId, eos: c.eosTokenIds[0] ?? null, pad: c.padTokenId },
      pre: options.tokenizerPre,
    });
    for (const [key, value] of tokenizerKeys) metadata.set(key, value);

    const sources: GgufTensorSource[] = tensors.map((t, i) => ({
      name: t.name,
      shape: t.shape,
      type: t.type,
      data: async () => {
        const bytes = encodeTensorData(await t.data(), t.type);
        options.onTensor?.(exported(t), i, tensors.length);
        return bytes;
      },
    }));
    const written = await writeGguf(output, metadata, sources, { alignment: options.alignment });
    return {
      path: output,
      bytes: written.bytes,
      architecture: a,
      outType: options.outType,
      tensors: tensors.map(exported),
      warnings,
    };
  } finally {
    await weights.close();
  }
}

function exported(t: PlannedTensor): ExportedTensor {
  const e: ExportedTensor = { name: t.name, source: t.source, shape: t.shape, type: t.type };
  if (t.note !== undefined) e.note = t.note;
  return e;
}
