import type { JsonObject } from '../../config/config-reader.js';
import type { ModelConfig } from '../../config/model-config.js';
import type { Architecture } from '../architecture.js';
import { gemmaTinyDifferences } from '../gemma2/gemma-tiny-differences.js';
import { readGemmaActivation } from '../gemma2/read-gemma-activation.js';
import { readGemmaDifferences } from '../gemma2/read-gemma-differences.js';
import { writeGemmaDifferences } from '../gemma2/write-gemma-differences.js';
import { readGemma3Rope } from './read-gemma3-rope.js';

function writeGemma3Differences(c: ModelConfig): JsonObject {
  if (c.localRope?.ropeScaling)
    throw new Error('writeModelConfig: a scaled local RoPE has no transformers 4 key; Gemma 3 writes none');
  return {
    ...writeGemmaDifferences(c),
    rope_local_base_freq: c.localRope?.ropeTheta ?? 10_000,
  };
}

/**
 * Gemma 3 text (Gemma3ForCausalLM, model_type gemma3_text): Gemma 2's layer plus per-head q/k norms,
 * no soft-capping by default, 5 sliding layers per full one, and a local RoPE base for sliding layers.
 */
export const gemma3: Architecture = {
  modelType: 'gemma3_text',
  className: 'Gemma3ForCausalLM',
  classifierClassName: 'Gemma3TextForSequenceClassification',
  defaultHeadDim: () => 256,
  defaultRopeTheta: 1_000_000,
  defaultTieWordEmbeddings: true,
  readMaxPositionEmbeddings: (r) => r.positiveInt('max_position_embeddings', 131_072),
  readHiddenAct: readGemmaActivation,
  readRope: readGemma3Rope,
  readDifferences: (r, layers) =>
    readGemmaDifferences(r, layers, {
      attnLogitSoftcapping: null,
      finalLogitSoftcapping: null,
      slidingPattern: r.positiveInt('sliding_window_pattern', 6),
      qkNorm: true,
    }),
  writeDifferences: writeGemma3Differences,
  tinyDifferences: (draft, window) => ({
    ...gemmaTinyDifferences(draft, window, 2),
    qkNorm: true,
    localRope: { ropeTheta: 10_000, ropeScaling: null },
  }),
};
