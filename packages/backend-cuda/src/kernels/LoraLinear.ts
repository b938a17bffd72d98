// LoraLinear, and LoraLinearGrad in LoraLinearGrad.ts (core-tensor's fused LoRA layer): the three GEMMs of
// the forward and the five of the backward run in cuBLASLt with the LoRA scale (alpha), the accumulation of
// the low-rank path into the base product (beta = 1) and the bias (epilogue) folded in; only dropout needs
// csrc/LoraLinear.cu. With dropout on, the keep mask is regenerated on the device from the op's Philox
// stream (csrc/philox.cuh: the same mask to the bit as core-tensor's host reference), in the forward and
// again in the backward; nothing of size [T, in] is uploaded or stored.
import { LoraLinear, tf, type LoraLinearAttrs } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { gemm } from './BatchMatMul.js';
import { cudaBackend, gridFor, requireFloat32, sizeOf, BLOCK } from './launch-config.js';
import { concatForward, loraConcatEnabled } from './lora-concat.js';

/**
 * Dropout of `x` with the op's Philox stream: into the new `out` (csrc/PhiloxDropout.cu, the kernel of
 * core-tensor's PhiloxDropout), or accumulated into `out` (csrc/LoraLinear.cu).
 */
export function dropout(
  backend: CudaBackend,
  mode: 'write' | 'accumulate',
  x: tf.TensorInfo,
  out: tf.TensorInfo,
  attrs: LoraLinearAttrs,
): void {
  const n = sizeOf(x);
  if (n === 0) return;
  const fn =
    mode === 'write'
      ? backend.runtime.fn('PhiloxDropout', 'philox_dropout')
      : backend.runtime.fn('LoraLinear', 'lora_add_dropout');
  // philox_dropout(x, out, ...) and lora_add_dropout(dx, t, ...): source first vs accumulator first.
  const [first, second] = mode === 'write' ? [x, out] : [out, x];
  fn.launch(backend.runtime.stream, gridFor(Math.ceil(n / 4)), BLOCK, 0, [
    backend.pointer(first),
    backend.pointer(second),
    n,
    attrs.dropoutRate,
    dropScale(attrs.dropoutRate),
    attrs.key0,
    attrs.key1,
    attrs.offset,
  ]);
}

export function checkShapes(kernel: string, inputs: Record<string, tf.TensorInfo | undefined>): number[] {
  const { x, weight, loraA, loraB } = inputs as Record<'x' | 'weight' | 'loraA' | 'loraB', tf.TensorInfo>;
  for (const [name, t] of Object.entries(inputs)) if (t != null) requireFloat32(kernel, name, t);
  const [t, inF] = x.shape as [number, number];
  const [outF] = weight.shape as [number, number];
  const r = loraA.shape[0]!;
  const ok =
    x.shape.length === 2 &&
    weight.shape.length === 2 &&
    weight.shape[1] === inF &&
    loraA.shape.length === 2 &&
    loraA.shape[1] === inF &&
    loraB.shape.length === 2 &&
    loraB.shape[0] === outF &&
    loraB.shape[1] === r;
  if (!ok) {
    throw new RangeError(
      `cuda ${kernel}: shapes x [${x.shape}], weight [${weight.shape}], loraA [${loraA.shape}], loraB [${loraB.shape}] do not fit [T, in], [out, in], [r, in], [out, r]`,
    );
  }
  return [t, inF, outF, r];
}

const dropScale = (rate: number) => 1 / (1 - rate);

export const loraLinearConfig: tf.KernelConfig = {
  kernelName: LoraLinear,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { x, weight, bias, loraA, loraB } = inputs as Record<string, tf.TensorInfo>;
    const [t, inF, outF] = checkShapes(LoraLinear, { x, weight, loraA, loraB, bias });
    const a = attrs as LoraLinearAttrs;
    let h = x!;
    if (a.dropoutRate > 0) {
      h = backend.makeTensorInfo(x!.shape, 'float32');
      dropout(backend, 'write', x!, h, a);
    }
    const xa = gemm(backend, h, loraA!, false, true);
    if (h !== x) backend.disposeIntermediateTensorInfo(h);
    if (t * inF * outF > 0 && loraConcatEnabled(backend)) {
      return [concatForward(backend, x!, weight!, xa, loraB!, bias, a.scale), xa];
    }
    // y = x Wᵀ + bias, then y += s · xa Bᵀ.
    const y = gemm(backend, x!, weight!, false, true, { bias });
    gemm(backend, xa, loraB!, false, true, { alpha: a.scale, into: y });
    return [y, xa];
  },
};
