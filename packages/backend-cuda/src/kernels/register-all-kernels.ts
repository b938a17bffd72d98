// The one list of kernels the cuda backend implements. Registering is idempotent and needs no GPU:
// kernels only touch the device when tfjs calls them on the 'cuda' backend.
import { tf } from '@medgpt/core-tensor';
import { addNConfig } from './AddN.js';
import { attentionConfig, attentionGradConfig } from './Attention.js';
import { batchMatMulConfig } from './BatchMatMul.js';
import { binaryKernelConfigs } from './Binary.js';
import { castConfig } from './Cast.js';
import { concatConfig, packConfig } from './Concat.js';
import { crossEntropyConfig, crossEntropyGradConfig } from './CrossEntropy.js';
import { cumsumConfig } from './Cumsum.js';
import { dequantize4bitConfig, dequantize4bitNestedConfig, dequantizeInt8Config } from './Dequantize.js';
import { fillConfig, onesLikeConfig, rangeConfig, zerosLikeConfig } from './Fill.js';
import { gatherV2Config, unsortedSegmentSumConfig } from './GatherV2.js';
import { hostFallbackConfigs } from './HostFallback.js';
import { expandDimsConfig, identityConfig, reshapeConfig } from './Identity.js';
import { loraLinearConfig, loraLinearGradConfig } from './LoraLinear.js';
import { adamWUpdateConfig, multiTensorAdamWUpdateConfig, sgdUpdateConfig } from './Optimizers.js';
import { padV2Config } from './Pad.js';
import { philoxDropoutConfig } from './PhiloxDropout.js';
import { reduceKernelConfigs } from './Reduce.js';
import { rmsNormConfig, rmsNormGradConfig } from './RmsNorm.js';
import { ropeConfig, ropeGradConfig } from './Rope.js';
import { selectConfig } from './Select.js';
import { splitVConfig, unpackConfig } from './Split.js';
import { swigluConfig, swigluGradConfig } from './Swiglu.js';
import { tokenLogprobsConfig, tokenLogprobsGradConfig } from './TokenLogprobs.js';
import { sliceConfig, tileConfig, transposeConfig } from './Transpose.js';
import { unaryKernelConfigs } from './Unary.js';
import { writeCacheRowsConfig } from './WriteCacheRows.js';

/** Every kernel config, grouped as docs/cuda.md lists them. */
export const CUDA_KERNEL_CONFIGS: readonly tf.KernelConfig[] = [
  // matmul (cuBLASLt)
  batchMatMulConfig,
  // elementwise
  ...binaryKernelConfigs,
  ...unaryKernelConfigs,
  addNConfig,
  castConfig,
  selectConfig,
  // bookkeeping without a launch, and constants
  reshapeConfig,
  expandDimsConfig,
  identityConfig,
  fillConfig,
  zerosLikeConfig,
  onesLikeConfig,
  rangeConfig,
  // reductions and scans
  ...reduceKernelConfigs,
  cumsumConfig,
  // data movement
  transposeConfig,
  sliceConfig,
  tileConfig,
  concatConfig,
  packConfig,
  splitVConfig,
  unpackConfig,
  padV2Config,
  gatherV2Config,
  unsortedSegmentSumConfig,
  writeCacheRowsConfig, // in place: the output aliases the cache
  // core-tensor's fused ops and optimizers
  rmsNormConfig,
  rmsNormGradConfig,
  ropeConfig,
  ropeGradConfig,
  swigluConfig,
  swigluGradConfig,
  attentionConfig,
  attentionGradConfig,
  crossEntropyConfig,
  crossEntropyGradConfig,
  tokenLogprobsConfig,
  tokenLogprobsGradConfig,
  loraLinearConfig,
  loraLinearGradConfig,
  dequantize4bitConfig, // quantised base weights (QLoRA), dequantised per matmul
  dequantize4bitNestedConfig,
  dequantizeInt8Config,
  adamWUpdateConfig,
  multiTensorAdamWUpdateConfig,
  sgdUpdateConfig,
  // host fallbacks (see HostFallback.ts)
  philoxDropoutConfig,
  ...hostFallbackConfigs,
];

/** Names of the kernels that run on the host rather than as CUDA kernels. */
export const HOST_FALLBACK_KERNELS: readonly string[] = hostFallbackConfigs.map((c) => c.kernelName);

/** Registers every cuda kernel with tfjs (once). */
export function registerCudaKernels(): void {
  for (const config of CUDA_KERNEL_CONFIGS) {
    if (tf.getKernel(config.kernelName, 'cuda') == null) tf.registerKernel(config);
  }
}
