import { join } from 'node:path';
import { parseGenerationConfig, defaultGenerationConfig } from '../config/generation-config.js';
import type { JsonObject } from '../config/config-reader.js';
import type { ModelDtype } from '../config/model-config.js';
import { parseModelConfig } from '../config/parse-model-config.js';
import { resolveDtype } from '../config/read-model-dtype.js';
import { CausalLM } from '../model/causal-lm.js';
import { loadWeights } from '../weights/load-weights.js';
import { readJsonFile } from './read-json-file.js';

export interface LoadModelOptions {
  /** Weight precision: 'auto' (default) keeps config.json's torch_dtype / dtype, as transformers 5 does. */
  dtype?: ModelDtype | 'auto';
  /** config.json keys to accept although this package does not know them (see parseModelConfig). */
  ignoreConfigKeys?: readonly string[];
  /** Skip checkpoint tensors the model has no parameter for instead of refusing the checkpoint. */
  allowUnexpectedWeights?: boolean;
}

/**
 * Loads a local Hugging Face model directory: config.json, generation_config.json (optional) and
 * model.safetensors or shards with model.safetensors.index.json, read tensor by tensor.
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<CausalLM> {
  const configFile = join(dir, 'config.json');
  const rawConfig = (await readJsonFile(configFile)) as JsonObject;
  const parsed = parseModelConfig(rawConfig, configFile, { ignoreKeys: options.ignoreConfigKeys });
  const dtype = resolveDtype(options.dtype, parsed.dtype);
  const config = { ...parsed, dtype };
  const genFile = join(dir, 'generation_config.json');
  const rawGeneration = (await readJsonFile(genFile, true)) as JsonObject | undefined;
  const generationConfig =
    rawGeneration === undefined
      ? defaultGenerationConfig(config)
      : parseGenerationConfig(rawGeneration, genFile);
  const weights = await loadWeights(dir, config, {
    dtype,
    allowUnexpectedWeights: options.allowUnexpectedWeights,
  });
  return new CausalLM({
    config,
    weights,
    generationConfig,
    rawConfig,
    rawGenerationConfig: rawGeneration ?? null,
  });
}
