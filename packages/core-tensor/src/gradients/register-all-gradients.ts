// The one list of gradients for our fused kernels (tfjs's own come from tfjs-core's
// register_all_gradients, loaded by tf.ts). Registered when @medgpt/core-tensor loads.
import { tf } from '../tf.js';
import { attentionGradConfig } from './Attention_grad.js';
import { crossEntropyGradConfig } from './CrossEntropy_grad.js';
import { expertRoutingGradConfig } from './ExpertRouting_grad.js';
import { groupedMatMulGradConfig } from './GroupedMatMul_grad.js';
import { loraLinearGradConfig } from './LoraLinear_grad.js';
import { meanGradConfig } from './Mean_grad.js';
import { philoxDropoutGradConfig } from './PhiloxDropout_grad.js';
import { rmsNormGradConfig } from './RmsNorm_grad.js';
import { ropeGradConfig } from './Rope_grad.js';
import { sumGradConfig } from './Sum_grad.js';
import { swigluGradConfig } from './Swiglu_grad.js';
import { tokenLogprobsGradConfig } from './TokenLogprobs_grad.js';

/**
 * Every gradient we register. The backward kernels they run (RmsNormGrad...) are ordinary kernels,
 * listed in kernels/register-all-kernels.ts; kernels without an entry here (optimizers, dequantisation,
 * PhiloxRandom, WriteCacheRows) are not differentiated.
 */
export const GRADIENT_CONFIGS: readonly tf.GradConfig[] = [
  rmsNormGradConfig,
  ropeGradConfig,
  swigluGradConfig,
  attentionGradConfig,
  crossEntropyGradConfig,
  tokenLogprobsGradConfig,
  loraLinearGradConfig,
  philoxDropoutGradConfig,
  groupedMatMulGradConfig,
  expertRoutingGradConfig,
];

/**
 * tfjs gradients we replace: those that fill `tf.ones` on the host and upload it on every backward
 * (Sum, Mean); ours broadcast on the device and give the same values.
 */
export const STOCK_GRADIENT_OVERRIDES: readonly tf.GradConfig[] = [sumGradConfig, meanGradConfig];

/** Registers every gradient above (again: tfjs keeps the last one registered for a kernel). */
export function registerAllGradients(): void {
  for (const config of [...GRADIENT_CONFIGS, ...STOCK_GRADIENT_OVERRIDES]) tf.registerGradient(config);
}
