import type { Architecture } from '../architecture.js';
import { readBaichuanDifferences } from './read-baichuan-differences.js';
import { readBaichuanMaxPositions } from './read-baichuan-max-positions.js';
import { readBaichuanRope } from './read-baichuan-rope.js';
import { writeBaichuanDifferences } from './write-baichuan-differences.js';

/**
 * Baichuan-7B/13B and Baichuan2-7B/13B (BaichuanForCausalLM, remote code): the Llama layer with q/k/v
 * fused in `self_attn.W_pack`; 7B rotates with RoPE, 13B biases the scores with ALiBi; Baichuan2
 * normalises the LM head's rows (NormHead). See readBaichuanDifferences for how config.json says which.
 */
export const baichuan: Architecture = {
  modelType: 'baichuan',
  className: 'BaichuanForCausalLM',
  classifierClassName: null,
  defaultHeadDim: (hidden, heads) => hidden / heads,
  defaultRopeTheta: 10000,
  readMaxPositionEmbeddings: readBaichuanMaxPositions,
  readRope: readBaichuanRope,
  readDifferences: readBaichuanDifferences,
  writeDifferences: writeBaichuanDifferences,
  tinyDifferences: (draft) => ({
    numKeyValueHeads: draft.numAttentionHeads,
    headDim: draft.hiddenSize / draft.numAttentionHeads,
    tieWordEmbeddings: false,
    packedQkv: true,
    positionEncoding: 'rope',
  }),
};
