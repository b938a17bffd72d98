import { readRopeSettings } from '../../config/read-rope-settings.js';
import type { Architecture } from '../architecture.js';
import { gemmaTinyDifferences } from './gemma-tiny-differences.js';
import { readGemmaActivation } from './read-gemma-activation.js';
import { readGemmaDifferences } from './read-gemma-differences.js';
import { requireFullRotary } from './require-full-rotary.js';
import { writeGemmaDifferences } from './write-gemma-differences.js';

/**
 * Gemma 2 (Gemma2ForCausalLM): Gemma's norms and scaled embeddings, GeGLU, attention and final logit
 * soft-capping (50, 30 by default), sliding window on every other layer, head_dim 256 by default.
 */
export const gemma2: Architecture = {
  modelType: 'gemma2',
  className: 'Gemma2ForCausalLM',
  classifierClassName: 'Gemma2ForSequenceClassification',
  defaultHeadDim: () => 256,
  defaultRopeTheta: 10000,
  defaultTieWordEmbeddings: true,
  readMaxPositionEmbeddings: (r) => r.positiveInt('max_position_embeddings', 8192),
  readHiddenAct: readGemmaActivation,
  readRope: (r, dims) => requireFullRotary(r, readRopeSettings(r, dims, 10000)),
  readDifferences: (r, layers) =>
    readGemmaDifferences(r, layers, {
      attnLogitSoftcapping: 50,
      finalLogitSoftcapping: 30,
      slidingPattern: 2,
      qkNorm: false,
    }),
  writeDifferences: writeGemmaDifferences,
  tinyDifferences: (draft, window) => ({
    ...gemmaTinyDifferences(draft, window, 2),
    attnLogitSoftcapping: 50,
    finalLogitSoftcapping: 30,
  }),
};
