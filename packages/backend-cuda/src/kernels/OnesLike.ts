// OnesLike: a memset, no kernel.
import { tf } from '@medgpt/core-tensor';
import { filledLikeConfig } from './Fill.js';

export const onesLikeConfig = filledLikeConfig(tf.OnesLike, 1);
