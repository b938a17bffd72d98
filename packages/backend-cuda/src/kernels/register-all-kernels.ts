// The one list of kernels the cuda backend implements, one file each (src/kernels/<Name>.ts, named
// after the kernel). Registering is idempotent and needs no GPU: kernels only touch the device when
// tfjs calls them on the 'cuda' backend.
import { tf } from '@medgpt/core-tensor';
import { absConfig } from './Abs.js';
import { adamWUpdateConfig } from './AdamWUpdate.js';
import { addConfig } from './Add.js';
import { addNConfig } from './AddN.js';
import { allConfig } from './All.js';
import { anyConfig } from './Any.js';
import { argMaxConfig } from './ArgMax.js';
import { argMinConfig } from './ArgMin.js';
import { attentionConfig } from './Attention.js';
import { attentionGradConfig } from './AttentionGrad.js';
import { batchMatMulConfig } from './BatchMatMul.js';
import { fusedMatMulConfig } from './_FusedMatMul.js';
import { castConfig } from './Cast.js';
import { ceilConfig } from './Ceil.js';
import { clipByValueConfig } from './ClipByValue.js';
import { concatConfig } from './Concat.js';
import { cosConfig } from './Cos.js';
import { crossEntropyConfig } from './CrossEntropy.js';
import { crossEntropyGradConfig } from './CrossEntropyGrad.js';
import { cumsumConfig } from './Cumsum.js';
import { dequantize4bitConfig } from './Dequantize4bit.js';
import { dequantize4bitNestedConfig } from './Dequantize4bitNested.js';
import { dequantizeInt8Config } from './DequantizeInt8.js';
import { roundToBf16Config } from './RoundToBf16.js';
import { equalConfig } from './Equal.js';
import { erfConfig } from './Erf.js';
import { expConfig } from './Exp.js';
import { expertRoutingConfig } from './ExpertRouting.js';
import { expandDimsConfig } from './ExpandDims.js';
import { expm1Config } from './Expm1.js';
import { fillConfig } from './Fill.js';
import { floorConfig } from './Floor.js';
import { floorDivConfig } from './FloorDiv.js';
import { gatherV2Config } from './GatherV2.js';
import { greaterConfig } from './Greater.js';
import { greaterEqualConfig } from './GreaterEqual.js';
import { identityConfig } from './Identity.js';
import { isFiniteConfig } from './IsFinite.js';
import { isInfConfig } from './IsInf.js';
import { isNanConfig } from './IsNan.js';
import { lessConfig } from './Less.js';
import { lessEqualConfig } from './LessEqual.js';
import { logConfig } from './Log.js';
import { log1pConfig } from './Log1p.js';
import { logicalAndConfig } from './LogicalAnd.js';
import { logicalNotConfig } from './LogicalNot.js';
import { logicalOrConfig } from './LogicalOr.js';
import { loraLinearConfig } from './LoraLinear.js';
import { loraLinearGradConfig } from './LoraLinearGrad.js';
import { groupedMatMulConfig } from './GroupedMatMul.js';
import { groupedMatMulWeightGradConfig } from './GroupedMatMulWeightGrad.js';
import { maxConfig } from './Max.js';
import { maximumConfig } from './Maximum.js';
import { meanConfig } from './Mean.js';
import { minConfig } from './Min.js';
import { minimumConfig } from './Minimum.js';
import { modConfig } from './Mod.js';
import { multiplyConfig } from './Multiply.js';
import { multiTensorAdamWUpdateConfig } from './MultiTensorAdamWUpdate.js';
import { negConfig } from './Neg.js';
import { notEqualConfig } from './NotEqual.js';
import { onesLikeConfig } from './OnesLike.js';
import { packConfig } from './Pack.js';
import { padV2Config } from './PadV2.js';
import { philoxDropoutConfig } from './PhiloxDropout.js';
import { philoxRandomConfig } from './PhiloxRandom.js';
import { powConfig } from './Pow.js';
import { prodConfig } from './Prod.js';
import { rangeConfig } from './Range.js';
import { realDivConfig } from './RealDiv.js';
import { reciprocalConfig } from './Reciprocal.js';
import { reluConfig } from './Relu.js';
import { reshapeConfig } from './Reshape.js';
import { rmsNormConfig } from './RmsNorm.js';
import { rmsNormGradConfig } from './RmsNormGrad.js';
import { ropeConfig } from './Rope.js';
import { ropeGradConfig } from './RopeGrad.js';
import { roundConfig } from './Round.js';
import { rsqrtConfig } from './Rsqrt.js';
import { selectConfig } from './Select.js';
import { sgdUpdateConfig } from './SgdUpdate.js';
import { sigmoidConfig } from './Sigmoid.js';
import { signConfig } from './Sign.js';
import { sinConfig } from './Sin.js';
import { sliceConfig } from './Slice.js';
import { softplusConfig } from './Softplus.js';
import { splitVConfig } from './SplitV.js';
import { sqrtConfig } from './Sqrt.js';
import { squareConfig } from './Square.js';
import { squaredDifferenceConfig } from './SquaredDifference.js';
import { stepConfig } from './Step.js';
import { subConfig } from './Sub.js';
import { sumConfig } from './Sum.js';
import { swigluConfig } from './Swiglu.js';
import { swigluGradConfig } from './SwigluGrad.js';
import { tanhConfig } from './Tanh.js';
import { tileConfig } from './Tile.js';
import { tokenLogprobsConfig } from './TokenLogprobs.js';
import { tokenLogprobsGradConfig } from './TokenLogprobsGrad.js';
import { transposeConfig } from './Transpose.js';
import { unpackConfig } from './Unpack.js';
import { unsortedSegmentSumConfig } from './UnsortedSegmentSum.js';
import { writeCacheRowsConfig } from './WriteCacheRows.js';
import { zerosLikeConfig } from './ZerosLike.js';

/** Every kernel config, grouped as docs/cuda.md lists them. */
export const CUDA_KERNEL_CONFIGS: readonly tf.KernelConfig[] = [
  // matmul (cuBLASLt)
  batchMatMulConfig,
  fusedMatMulConfig,
  // elementwise binary (binary-op.ts)
  addConfig,
  subConfig,
  multiplyConfig,
  realDivConfig,
  maximumConfig,
  minimumConfig,
  powConfig,
  squaredDifferenceConfig,
  floorDivConfig,
  modConfig,
  equalConfig,
  notEqualConfig,
  lessConfig,
  lessEqualConfig,
  greaterConfig,
  greaterEqualConfig,
  logicalAndConfig,
  logicalOrConfig,
  // elementwise unary (unary-op.ts)
  negConfig,
  absConfig,
  expConfig,
  logConfig,
  sqrtConfig,
  rsqrtConfig,
  squareConfig,
  reciprocalConfig,
  sigmoidConfig,
  tanhConfig,
  reluConfig,
  sinConfig,
  cosConfig,
  floorConfig,
  ceilConfig,
  roundConfig,
  signConfig,
  log1pConfig,
  expm1Config,
  softplusConfig,
  erfConfig,
  clipByValueConfig,
  stepConfig,
  isNanConfig,
  isInfConfig,
  isFiniteConfig,
  logicalNotConfig,
  // other elementwise
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
  // reductions (reduce-op.ts) and scans
  sumConfig,
  meanConfig,
  prodConfig,
  maxConfig,
  minConfig,
  anyConfig,
  allConfig,
  argMaxConfig,
  argMinConfig,
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
  // core-tensor's fused ops (kernel-names.ts)
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
  groupedMatMulConfig,
  groupedMatMulWeightGradConfig,
  expertRoutingConfig,
  roundToBf16Config, // frozen weights stored in bf16 (QLoRA's embeddings and lm_head)
  philoxDropoutConfig,
  // core-tensor's optimizers
  adamWUpdateConfig,
  multiTensorAdamWUpdateConfig,
  sgdUpdateConfig,
  // host fallbacks (host-fallback.ts)
  philoxRandomConfig,
];

/** Names of the kernels that run on the host rather than as CUDA kernels. */
export const HOST_FALLBACK_KERNELS: readonly string[] = [philoxRandomConfig.kernelName];

/** Registers every cuda kernel with tfjs (once). */
export function registerCudaKernels(): void {
  for (const config of CUDA_KERNEL_CONFIGS) {
    if (tf.getKernel(config.kernelName, 'cuda') == null) tf.registerKernel(config);
  }
}
