import type { Architecture } from '../architecture.js';
import { readQwenSlidingWindows } from '../qwen2/read-qwen-sliding-windows.js';
import { writeQwenSlidingWindows } from '../qwen2/write-qwen-sliding-windows.js';

/** Qwen3 (Qwen3ForCausalLM): per-head RMSNorm of q and k, optional attention bias, head_dim 128 by default. */
export const qwen3: Architecture = {
  modelType: 'qwen3',
  className: 'Qwen3ForCausalLM',
  classifierClassName: 'Qwen3ForSequenceClassification',
  defaultHeadDim: () => 128,
  defaultRopeTheta: 10000,
  readDifferences(r, layers) {
    const attentionBias = r.bool('attention_bias', false);
    return {
      qkvBias: attentionBias,
      outputBias: attentionBias,
      mlpBias: false,
      qkNorm: true,
      slidingWindows: readQwenSlidingWindows(r, layers),
    };
  },
  writeDifferences: (c) => ({ attention_bias: c.qkvBias, ...writeQwenSlidingWindows(c.slidingWindows) }),
};
