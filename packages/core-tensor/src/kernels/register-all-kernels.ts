import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf.js';
import { cpuBatchMatMulConfig } from './kernels/cpu/BatchMatMul.js';
import { cpuUnsortedSegmentSumConfig } from './kernels/cpu/UnsortedSegmentSum.js';
import { cpuFusedMatMulConfig } from './kernels/cpu/_FusedMatMul.js';
import { wasmBatchMatMulConfig } from './kernels/wasm/BatchMatMul.js';
import { wasmCastConfig } from './kernels/wasm/Cast.js';
import { wasmIdentityConfig } from './kernels/wasm/Identity.js';
import { wasmUnsortedSegmentSumConfig } from './kernels/wasm/UnsortedSegmentSum.js';
import { wasmFusedMatMulConfig } from './kernels/wasm/_FusedMatMul.js';

/** A kernel we install over (or next to) tfjs's; `make` receives tfjs's config when there is one. */
interface Replacement {
  kernelName: string;
  backendName: string;
  make: (stock: tf.KernelConfig | undefined) => tf.KernelConfig;
}

/** Each entry is explained in KERNELS.md. */
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
 * Installs our cpu/wasm kernels (KERNELS.md): UnsortedSegmentSum on both, fast matMul on both, and
 * Identity / same-dtype Cast as aliases on wasm.
 * Runs when @medgpt/core-tensor loads; calling it again is a no-op.
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
