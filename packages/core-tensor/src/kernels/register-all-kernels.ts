// The one list of kernels core-tensor registers on tfjs's host backends: the fused kernels of
// kernel-names.ts (a JS kernel on cpu, wasm and tensorflow, and a faster one on wasm where we have it),
// and our replacements of some of tfjs's own cpu/wasm kernels (KERNELS.md). Registered when
// @medgpt/core-tensor loads; device backends (cuda) register theirs under the same names.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf.js';
// fused kernels, JS on every host backend
import { adamWUpdateConfig } from './AdamWUpdate.js';
import { attentionConfig } from './Attention.js';
import { attentionGradConfig } from './AttentionGrad.js';
import { crossEntropyConfig } from './CrossEntropy.js';
import { crossEntropyGradConfig } from './CrossEntropyGrad.js';
import { dequantize4bitConfig } from './Dequantize4bit.js';
import { dequantize4bitNestedConfig } from './Dequantize4bitNested.js';
import { dequantizeInt8Config } from './DequantizeInt8.js';
import { expertRoutingConfig } from './ExpertRouting.js';
import { groupedMatMulConfig } from './GroupedMatMul.js';
import { groupedMatMulWeightGradConfig } from './GroupedMatMulWeightGrad.js';
import { roundToBf16Config } from './RoundToBf16.js';
import { loraLinearConfig } from './LoraLinear.js';
import { loraLinearGradConfig } from './LoraLinearGrad.js';
import { multiTensorAdamWUpdateConfig } from './MultiTensorAdamWUpdate.js';
import { philoxDropoutConfig } from './PhiloxDropout.js';
import { philoxRandomConfig } from './PhiloxRandom.js';
import { rmsNormConfig } from './RmsNorm.js';
import { rmsNormGradConfig } from './RmsNormGrad.js';
import { ropeConfig } from './Rope.js';
import { ropeGradConfig } from './RopeGrad.js';
import { sgdUpdateConfig } from './SgdUpdate.js';
import { swigluConfig } from './Swiglu.js';
import { swigluGradConfig } from './SwigluGrad.js';
import { tokenLogprobsConfig } from './TokenLogprobs.js';
import { tokenLogprobsGradConfig } from './TokenLogprobsGrad.js';
import { writeCacheRowsConfig } from './WriteCacheRows.js';
// fused kernels on wasm
import { attentionWasmConfig } from './Attention_wasm.js';
import { attentionGradWasmConfig } from './AttentionGrad_wasm.js';
import { crossEntropyWasmConfig } from './CrossEntropy_wasm.js';
import { crossEntropyGradWasmConfig } from './CrossEntropyGrad_wasm.js';
import { loraLinearWasmConfig } from './LoraLinear_wasm.js';
import { loraLinearGradWasmConfig } from './LoraLinearGrad_wasm.js';
import { rmsNormWasmConfig } from './RmsNorm_wasm.js';
import { rmsNormGradWasmConfig } from './RmsNormGrad_wasm.js';
import { swigluWasmConfig } from './Swiglu_wasm.js';
import { swigluGradWasmConfig } from './SwigluGrad_wasm.js';
import { tokenLogprobsWasmConfig } from './TokenLogprobs_wasm.js';
import { tokenLogprobsGradWasmConfig } from './TokenLogprobsGrad_wasm.js';
// replacements of tfjs's kernels
import { cpuBatchMatMulConfig } from './BatchMatMul_cpu.js';
import { wasmBatchMatMulConfig } from './BatchMatMul_wasm.js';
import { wasmCastConfig } from './Cast_wasm.js';
import { wasmIdentityConfig } from './Identity_wasm.js';
import { cpuUnsortedSegmentSumConfig } from './UnsortedSegmentSum_cpu.js';
import { wasmUnsortedSegmentSumConfig } from './UnsortedSegmentSum_wasm.js';
import { cpuFusedMatMulConfig } from './_FusedMatMul_cpu.js';
import { wasmFusedMatMulConfig } from './_FusedMatMul_wasm.js';
import { HOST_BACKENDS, replaceKernel, type HostKernelConfig } from './js-kernel.js';

/** The fused kernels' host kernels, registered on every host backend (cpu, wasm, tensorflow). */
export const HOST_KERNEL_CONFIGS: readonly HostKernelConfig[] = [
  rmsNormConfig,
  rmsNormGradConfig,
  ropeConfig,
  ropeGradConfig,
  swigluConfig,
  swigluGradConfig,
  attentionConfig,
  attentionGradConfig,
  writeCacheRowsConfig, // in place: the output shares the cache's buffer
  crossEntropyConfig,
  crossEntropyGradConfig,
  tokenLogprobsConfig,
  tokenLogprobsGradConfig,
  loraLinearConfig,
  loraLinearGradConfig,
  dequantize4bitConfig,
  groupedMatMulConfig,
  groupedMatMulWeightGradConfig,
  expertRoutingConfig,
  dequantize4bitNestedConfig,
  dequantizeInt8Config,
  roundToBf16Config,
  adamWUpdateConfig,
  multiTensorAdamWUpdateConfig,
  sgdUpdateConfig,
  philoxRandomConfig,
  philoxDropoutConfig,
];

/**
 * Fused kernels built on tfjs-wasm's own SIMD kernels (XNNPACK matMul, softmax, elementwise), which
 * replace the JS kernel on wasm.
 */
export const WASM_KERNEL_CONFIGS: readonly tf.KernelConfig[] = [
  rmsNormWasmConfig,
  rmsNormGradWasmConfig,
  swigluWasmConfig,
  swigluGradWasmConfig,
  attentionWasmConfig,
  attentionGradWasmConfig,
  crossEntropyWasmConfig,
  crossEntropyGradWasmConfig,
  tokenLogprobsWasmConfig,
  tokenLogprobsGradWasmConfig,
  loraLinearWasmConfig,
  loraLinearGradWasmConfig,
];

/**
 * Registers every kernel of this file: the fused kernels, then our replacements of tfjs's kernels.
 * Runs when @medgpt/core-tensor loads; calling it again registers the same kernels again.
 */
export function registerAllKernels(): void {
  for (const { kernelName, kernelFunc } of HOST_KERNEL_CONFIGS) {
    for (const backendName of HOST_BACKENDS) replaceKernel(kernelName, backendName, kernelFunc);
  }
  for (const { kernelName, backendName, kernelFunc } of WASM_KERNEL_CONFIGS) {
    replaceKernel(kernelName, backendName, kernelFunc);
  }
  registerBackendKernels();
}

/** A kernel we install over (or next to) tfjs's; `make` receives tfjs's config when there is one. */
interface Replacement {
  kernelName: string;
  backendName: string;
  make: (stock: tf.KernelConfig | undefined) => tf.KernelConfig;
}

/** Our replacements of tfjs's cpu/wasm kernels; each entry is explained in KERNELS.md. */
const REPLACEMENTS: Replacement[] = [
  { kernelName: tf.UnsortedSegmentSum, backendName: 'cpu', make: () => cpuUnsortedSegmentSumConfig },
  { kernelName: tf.UnsortedSegmentSum, backendName: 'wasm', make: () => wasmUnsortedSegmentSumConfig },
  {
    kernelName: tf.BatchMatMul,
    backendName: 'cpu',
    make: (s) => cpuBatchMatMulConfig(need(s, 'cpu BatchMatMul')),
  },
  {
    kernelName: tf._FusedMatMul,
    backendName: 'cpu',
    make: (s) => cpuFusedMatMulConfig(need(s, 'cpu _FusedMatMul')),
  },
  {
    kernelName: tf.BatchMatMul,
    backendName: 'wasm',
    make: (s) => wasmBatchMatMulConfig(need(s, 'wasm BatchMatMul')),
  },
  {
    kernelName: tf._FusedMatMul,
    backendName: 'wasm',
    make: (s) => wasmFusedMatMulConfig(need(s, 'wasm _FusedMatMul')),
  },
  { kernelName: tf.Identity, backendName: 'wasm', make: (s) => wasmIdentityConfig(need(s, 'wasm Identity')) },
  { kernelName: tf.Cast, backendName: 'wasm', make: (s) => wasmCastConfig(need(s, 'wasm Cast')) },
];

const key = (kernelName: string, backendName: string) => `${backendName}/${kernelName}`;
/** tfjs's configs as they were before we replaced them (absent where tfjs has none). */
const stock = new Map<string, tf.KernelConfig>();
/** Ours, to tell them apart from whatever is registered now. */
const installed = new Map<string, tf.KernelConfig>();

/**
 * Installs our replacements of tfjs's cpu/wasm kernels (KERNELS.md): UnsortedSegmentSum on both, fast
 * matMul on both, and Identity / same-dtype Cast as aliases on wasm. Calling it again is a no-op.
 */
export function registerBackendKernels(): void {
  for (const r of REPLACEMENTS) {
    const k = key(r.kernelName, r.backendName);
    const current = tf.getKernel(r.kernelName, r.backendName);
    if (current != null && current === installed.get(k)) continue;
    if (current != null) {
      stock.set(k, current);
      tf.unregisterKernel(r.kernelName, r.backendName);
    }
    const config = r.make(current);
    tf.registerKernel(config);
    installed.set(k, config);
  }
}

/** Puts tfjs's own kernels back (for comparisons and benchmarks); `registerBackendKernels` reinstalls ours. */
export function restoreStockKernels(): void {
  for (const r of REPLACEMENTS) {
    const k = key(r.kernelName, r.backendName);
    const ours = installed.get(k);
    if (ours == null || tf.getKernel(r.kernelName, r.backendName) !== ours) continue;
    tf.unregisterKernel(r.kernelName, r.backendName);
    const original = stock.get(k);
    if (original != null) tf.registerKernel(original);
    installed.delete(k);
  }
}

/** tfjs's own config for a kernel we replaced, e.g. to compare results against it. */
export function stockKernel(kernelName: string, backendName: string): tf.KernelConfig | undefined {
  return stock.get(key(kernelName, backendName));
}

function need(config: tf.KernelConfig | undefined, what: string): tf.KernelConfig {
  if (config == null)
    throw new Error(`Expected tfjs to register ${what}; is @tensorflow/tfjs-backend-* 4.22 loaded?`);
  return config;
}
