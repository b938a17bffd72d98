import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { castSafetensorsArray, SafetensorsCheckpoint, type SafetensorsArray } from '@medgpt/core-tensor';
import { parameterSpecs, parseModelConfig, type CausalLM, type ModelConfig } from '@medgpt/models';
import { GgufExportError } from './gguf-export-error.js';

/** A model's config and its parameters as float32, read one at a time under their HF names. */
export interface ModelWeights {
  config: ModelConfig;
  /** Where the weights come from (a directory, or a description of a loaded model). */
  source: string;
  /** The file `name` is read from, for messages. */
  fileFor(name: string): string;
  /** Row-major float32 values of parameter `name`; the caller must not modify them. */
  read(name: string): Promise<Float32Array>;
  /** Parameter `name` as stored (a float dtype, the config's shape; checked), for copying unchanged. */
  readArray(name: string): Promise<SafetensorsArray>;
  close(): Promise<void>;
}

const FLOATS = ['F64', 'F32', 'BF16', 'F16'];

// Tensors transformers itself skips on load (as @medgpt/models does): old Llama checkpoints' RoPE
// buffer, and a tied model's head, which is the embedding whatever the file says.
function ignorable(name: string, config: ModelConfig): boolean {
  return (
    /^model\.layers\.\d+\.self_attn\.rotary_emb\.inv_freq$/.test(name) ||
    (config.tieWordEmbeddings && name === 'lm_head.weight')
  );
}

async function readConfig(dir: string, ignoreKeys: readonly string[] | undefined): Promise<ModelConfig> {
  const file = join(dir, 'config.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new GgufExportError(file, undefined, `cannot read the model config: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return parseModelConfig(raw, file, { ignoreKeys });
}

/**
 * A Hugging Face model directory's weights (model.safetensors or shards with an index), checked
 * against the config's parameter list and read lazily: only the tensor being exported is in memory,
 * so a 7B checkpoint never sits in float32 on the host. bf16/f16/f64 tensors are widened exactly.
 */
export async function checkpointWeights(
  dir: string,
  options: { ignoreConfigKeys?: readonly string[] } = {},
): Promise<ModelWeights> {
  const config = await readConfig(dir, options.ignoreConfigKeys);
  const ckpt = await SafetensorsCheckpoint.open(dir);
  try {
    const specs = parameterSpecs(config);
    const missing = specs.filter((s) => !ckpt.has(s.name)).map((s) => s.name);
    if (missing.length > 0) {
      throw new GgufExportError(
        dir,
        missing[0],
        `missing from the checkpoint (${missing.length} of ${specs.length} parameters missing: ${missing.slice(0, 5).join(', ')})`,
      );
    }
    const expected = new Set(specs.map((s) => s.name));
    const unexpected = ckpt.names.filter((n) => !expected.has(n) && !ignorable(n, config));
    if (unexpected.length > 0) {
      throw new GgufExportError(
        ckpt.fileFor(unexpected[0]!),
        unexpected[0],
        `the checkpoint holds ${unexpected.length} tensor(s) a ${config.className} has no parameter for (${unexpected.slice(0, 5).join(', ')}); expected only the parameters of config.json's model`,
      );
    }
  } catch (e) {
    await ckpt.close();
    throw e;
  }
  const shapes = new Map(parameterSpecs(config).map((s) => [s.name, s.shape]));
  const readArray = async (name: string): Promise<SafetensorsArray> => {
    const file = ckpt.fileFor(name);
    const array = await ckpt.readArray(name);
    if (!FLOATS.includes(array.dtype)) {
      throw new GgufExportError(
        file,
        name,
        `has dtype ${array.dtype}; expected a float dtype (${FLOATS.join(', ')})`,
      );
    }
    const shape = shapes.get(name)!;
    if (array.shape.length !== shape.length || array.shape.some((d, i) => d !== shape[i])) {
      throw new GgufExportError(file, name, `has shape [${array.shape}]; config.json gives [${shape}]`);
    }
    return array;
  };
  return {
    config,
    source: dir,
    fileFor: (name) => ckpt.fileFor(name),
    readArray,
    async read(name) {
      const array = await readArray(name);
      return castSafetensorsArray(array, 'F32', { file: ckpt.fileFor(name), tensor: name })
        .data as Float32Array;
    },
    close: () => ckpt.close(),
  };
}

/** The weights of a model already in memory (read with dataSync; no tensor is made). */
export function loadedModelWeights(model: CausalLM): ModelWeights {
  const source = `<loaded ${model.config.className}>`;
  return {
    config: model.config,
    source,
    fileFor: () => source,
    read: async (name) => model.weight(name).dataSync() as Float32Array,
    readArray: async (name) => {
      const w = model.weight(name);
      return { dtype: 'F32', shape: w.shape.slice(), data: w.dataSync() as Float32Array };
    },
    close: async () => undefined,
  };
}
