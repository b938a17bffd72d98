import {
  castSafetensorsArray,
  initTensor,
  type Generator,
  safetensorsArrayToTensor,
  type tf,
} from '@medgpt/core-tensor';
import type { ModelConfig } from '../config/model-config.js';
import { STORAGE_DTYPE } from './load-weights.js';
import { SCORE } from './parameter-specs.js';

/**
 * A new score head, score.weight [numLabels, hidden], drawn from normal(0, `std`) with core-tensor's
 * seeded generator `rng` (transformers' `_init_weights` for a Linear, with our RNG: the same seed gives
 * the same head, not torch's numbers), then rounded to the model's dtype like the weights loaded with it.
 */
export function initScoreWeight(config: ModelConfig, std: number, rng: Generator): tf.Tensor2D {
  if (config.numLabels === null) throw new Error(`initScoreWeight: ${config.className} has no score head`);
  const shape = [config.numLabels, config.hiddenSize];
  const drawn = initTensor(shape, { kind: 'normal', std }, rng) as tf.Tensor2D;
  const target = STORAGE_DTYPE[config.dtype];
  if (target === 'F32') return drawn;
  const data = drawn.dataSync() as Float32Array;
  drawn.dispose();
  const place = { file: '<new score head>', tensor: SCORE };
  const rounded = castSafetensorsArray({ dtype: 'F32', shape, data }, target, place);
  return safetensorsArrayToTensor(rounded, place) as tf.Tensor2D;
}
