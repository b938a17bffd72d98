import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeTextAtomic, writeSafetensorsCheckpoint, type CheckpointWriteResult } from '@medgpt/core-tensor';
import { writeGenerationConfig } from '../config/generation-config.js';
import type { ModelDtype } from '../config/model-config.js';
import { resolveDtype } from '../config/read-model-dtype.js';
import { withConfigDtype } from '../config/write-model-config.js';
import type { CausalLM } from '../model/causal-lm.js';
import { STORAGE_DTYPE } from '../weights/load-weights.js';
import { parameterSpecs } from '../weights/parameter-specs.js';
import { configJsonText } from '../config/config-json-text.js';

export interface SaveModelOptions {
  /** Storage dtype: 'auto' (default) is the model's dtype; config.json's dtype key follows. */
  dtype?: ModelDtype | 'auto';
  /** Largest shard, bytes or "5GB"-style (default "5GB"); larger models get shards plus an index. */
  maxShardSize?: number | string;
}

/**
 * Saves `model` as a Hugging Face directory that `AutoModelForCausalLM.from_pretrained` loads:
 * config.json (as loaded, dtype updated), generation_config.json, and the weights under their HF names
 * (tied embeddings stored once, as transformers does), sharded with an index when over `maxShardSize`.
 * A model with a score head is saved for `AutoModelForSequenceClassification`: score.weight and no
 * LM head, config.json with its classifier class, labels and pad token id, no generation_config.json.
 * Every file is written atomically.
 */
export async function saveModel(
  model: CausalLM,
  dir: string,
  options: SaveModelOptions = {},
): Promise<CheckpointWriteResult> {
  if (model.quantized.size > 0) {
    throw new Error(
      `saveModel: ${model.quantized.size} weights of this ${model.config.className} are stored quantised; ` +
        'call model.dequantize() first for a float checkpoint, or write a bitsandbytes one with @medgpt/quant',
    );
  }
  const dtype = resolveDtype(options.dtype, model.config.dtype);
  await mkdir(dir, { recursive: true });
  const tensors = new Map(parameterSpecs(model.config).map((s) => [s.name, model.weight(s.name)]));
  const result = await writeSafetensorsCheckpoint(dir, tensors, {
    dtype: STORAGE_DTYPE[dtype],
    maxShardSize: options.maxShardSize,
  });
  await writeTextAtomic(join(dir, 'config.json'), configJsonText(withConfigDtype(model.rawConfig, dtype)));
  // A sequence classifier cannot generate, and transformers writes no generation config for it.
  if (model.config.numLabels === null) {
    await writeTextAtomic(
      join(dir, 'generation_config.json'),
      configJsonText(model.rawGenerationConfig ?? writeGenerationConfig(model.generationConfig)),
    );
  }
  return result;
}
