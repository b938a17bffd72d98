import type { Architecture } from '../architecture.js';

/** Llama 1/2/3 (LlamaForCausalLM): optional attention and MLP biases, no sliding window. */
export const llama: Architecture = {
  modelType: 'llama',
  className: 'LlamaForCausalLM',
  classifierClassName: 'LlamaForSequenceClassification',
  defaultHeadDim: (hidden, heads) => hidden / heads,
  defaultRopeTheta: 10000,
  readDifferences(r, layers) {
    const attentionBias = r.bool('attention_bias', false);
    return {
      qkvBias: attentionBias,
      outputBias: attentionBias,
      mlpBias: r.bool('mlp_bias', false),
      qkNorm: false,
      slidingWindows: new Array<null>(layers).fill(null),
    };
  },
  writeDifferences: (c) => ({ attention_bias: c.qkvBias, mlp_bias: c.mlpBias }),
};
