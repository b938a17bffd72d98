import { join } from 'node:path';
import { Generator } from '@medgpt/core-tensor';
import { parseGenerationConfig, defaultGenerationConfig } from '../config/generation-config.js';
import type { JsonObject } from '../config/config-reader.js';
import type { ModelDtype } from '../config/model-config.js';
import { parseModelConfig } from '../config/parse-model-config.js';
import { readInitializerRange } from '../config/read-initializer-range.js';
import { resolveDtype } from '../config/read-model-dtype.js';
import { CausalLM } from '../model/causal-lm.js';
import { initScoreWeight } from '../weights/init-score-weight.js';
import { loadParameters } from '../weights/load-weights.js';
import type { WeightReader } from '../weights/weight-reader.js';
import { SCORE } from '../weights/parameter-specs.js';
import { readJsonFile } from './read-json-file.js';
import { resolveHead } from './resolve-head.js';

export interface LoadModelOptions {
  /** Weight precision: 'auto' (default) keeps config.json's torch_dtype / dtype, as transformers 5 does. */
  dtype?: ModelDtype | 'auto';
  /** config.json keys to accept although this package does not know them (see parseModelConfig). */
  ignoreConfigKeys?: readonly string[];
  /** Skip checkpoint tensors the model has no parameter for instead of refusing the checkpoint. */
  allowUnexpectedWeights?: boolean;
  /**
   * The head, as `num_labels` of transformers' AutoModelForSequenceClassification.from_pretrained.
   * Unset (default): the checkpoint's own (a sequence classifier when config.json's `architectures`
   * names `<Arch>ForSequenceClassification`, else a causal LM). A number: a sequence classifier with
   * that many labels (1 = a reward model); from a causal-LM checkpoint the body is kept, lm_head.weight
   * is ignored and score.weight is drawn from normal(0, initializer_range) with `scoreSeed`. null: a
   * causal LM; a classifier checkpoint is one only with tied embeddings.
   */
  numLabels?: number | null;
  /** Seed of a newly drawn score head (core-tensor's Philox generator). Default 0. */
  scoreSeed?: number;
  /**
   * Reads parameters stored in another form than float tensors: @medgpt/quant's `bnbWeightReader`
   * dequantises a bitsandbytes checkpoint's weights as they load, or keeps them quantised (pass
   * `ignoreConfigKeys: ['quantization_config']` with it); its `quantizingReader` quantises a float
   * checkpoint's linear weights as they load (QLoRA). Default none.
   */
  weightReader?: WeightReader;
}

/**
 * Loads a local Hugging Face model directory: config.json, generation_config.json (optional) and
 * model.safetensors or shards with model.safetensors.index.json, read tensor by tensor.
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<CausalLM> {
  const configFile = join(dir, 'config.json');
  const fileConfig = (await readJsonFile(configFile)) as JsonObject;
  const parsed = parseModelConfig(fileConfig, configFile, { ignoreKeys: options.ignoreConfigKeys });
  const head = resolveHead(parsed, fileConfig, options.numLabels, configFile);
  const dtype = resolveDtype(options.dtype, parsed.dtype);
  const config = { ...head.config, dtype };
  const genFile = join(dir, 'generation_config.json');
  const rawGeneration = (await readJsonFile(genFile, true)) as JsonObject | undefined;
  const generationConfig =
    rawGeneration === undefined
      ? defaultGenerationConfig(config)
      : parseGenerationConfig(rawGeneration, genFile);
  // Checked before the weights load, so a bad value fails before anything is allocated.
  const std = head.newScore ? readInitializerRange(fileConfig, configFile) : 0;
  const rng = head.newScore ? new Generator(options.scoreSeed ?? 0) : null;
  const { weights, quantized } = await loadParameters(dir, config, {
    dtype,
    allowUnexpectedWeights: options.allowUnexpectedWeights,
    newParameters: head.newScore ? [SCORE] : [],
    ignoreTensors: head.ignoreTensors,
    weightReader: options.weightReader,
  });
  if (rng !== null) weights.set(SCORE, initScoreWeight(config, std, rng));
  return new CausalLM({
    config,
    weights,
    quantized,
    generationConfig,
    rawConfig: head.rawConfig,
    rawGenerationConfig: rawGeneration ?? null,
  });
}
