import type { Architecture } from '../architecture.js';
import { readQwenSlidingWindows } from './read-qwen-sliding-windows.js';
import { writeQwenSlidingWindows } from './write-qwen-sliding-windows.js';

/** Qwen2 / Qwen2.5 (Qwen2ForCausalLM): q/k/v always have a bias, o_proj and the MLP never. */
export const qwen2: Architecture = {
  modelType: 'qwen2',
  className: 'Qwen2ForCausalLM',
  classifierClassName: 'Qwen2ForSequenceClassification',
  defaultHeadDim: (hidden, heads) => hidden / heads,
  defaultRopeTheta: 10000,
  readDifferences: (r, layers) => ({
    qkvBias: true,
    outputBias: false,
    mlpBias: false,
    qkNorm: false,
    slidingWindows: readQwenSlidingWindows(r, layers),
  }),
  writeDifferences: (c) => writeQwenSlidingWindows(c.slidingWindows),
};
