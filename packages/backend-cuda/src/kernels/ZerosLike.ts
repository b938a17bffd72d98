// ZerosLike: a memset, no kernel.
import { tf } from '@medgpt/core-tensor';
import { filledLikeConfig } from './Fill.js';

export const zerosLikeConfig = filledLikeConfig(tf.ZerosLike, 0);
