// LoraLinear and LoraLinearGrad (core-tensor's fused LoRA layer): the three GEMMs of the forward and the
// five of the backward run in cuBLASLt with the LoRA scale (alpha), the accumulation of the low-rank
// path into the base product (beta = 1) and the bias (epilogue) folded in; only dropout needs
// csrc/LoraLinear.cu. With dropout on, the keep mask is regenerated on the host from the
// op's Philox stream by core-tensor's PhiloxDropout reference (so it is the same mask to the bit) and
// uploaded as [T, in] floats; a device-side Philox generator is the next step.
import {
  LoraLinear,
  LoraLinearGrad,
  philoxDropoutHostKernel,
  tf,
  type HostTensor,
  type LoraLinearAttrs,
} from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { gemm } from './BatchMatMul.js';
import { cudaBackend, gridFor, requireFloat32, sizeOf, BLOCK } from './launch-config.js';

/** The [T, in] keep mask (1 kept, 0 dropped) of the op's dropout, uploaded; null when the rate is 0. */
function keepMask(backend: CudaBackend, shape: number[], attrs: LoraLinearAttrs): tf.TensorInfo | null {
  const { dropoutRate: rate, key0, key1, offset } = attrs;
  if (rate === 0) return null;
  const ones: HostTensor = {
    values: new Float32Array(tf.util.sizeFromShape(shape)).fill(1),
    shape,
    dtype: 'float32',
  };
  const dropped = philoxDropoutHostKernel({ x: ones }, { rate, key0, key1, offset });
  const values = (Array.isArray(dropped) ? dropped[0]! : dropped).values as Float32Array;
  const keep = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) keep[i] = values[i] !== 0 ? 1 : 0;
  return backend.makeTensorInfo(shape, 'float32', keep);
}

function checkShapes(kernel: string, inputs: Record<string, tf.TensorInfo | undefined>): number[] {
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
    checkShapes(LoraLinear, { x, weight, loraA, loraB, bias });
    const a = attrs as LoraLinearAttrs;
    const { stream } = backend.runtime;
    const keep = keepMask(backend, x!.shape, a);
    let h = x!;
    if (keep !== null) {
      h = backend.makeTensorInfo(x!.shape, 'float32');
      const n = sizeOf(x!);
      backend.runtime
        .fn('LoraLinear', 'lora_dropout')
        .launch(stream, gridFor(n), BLOCK, 0, [
          backend.pointer(x!),
          backend.pointer(keep),
          backend.pointer(h),
          n,
          dropScale(a.dropoutRate),
        ]);
      backend.disposeIntermediateTensorInfo(keep);
    }
    const xa = gemm(backend, h, loraA!, false, true);
    if (h !== x) backend.disposeIntermediateTensorInfo(h);
    // y = x Wᵀ + bias, then y += s · xa Bᵀ.
    const y = gemm(backend, x!, weight!, false, true, { bias });
    gemm(backend, xa, loraB!, false, true, { alpha: a.scale, into: y });
    return [y, xa];
  },
};

// With h = drop(x), xa = h Aᵀ and y = x Wᵀ + s · xa Bᵀ (core-tensor's LoraLinearGrad):
//   dxa = s · dy B,  dB = s · dyᵀ xa,  dA = dxaᵀ h,  dx = dy W + drop(dxa A)
export const loraLinearGradConfig: tf.KernelConfig = {
  kernelName: LoraLinearGrad,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { dy, x, weight, loraA, loraB, xa } = inputs as Record<string, tf.TensorInfo>;
    checkShapes(LoraLinearGrad, { x, weight, loraA, loraB, dy, xa });
    const a = attrs as LoraLinearAttrs;
    const { stream } = backend.runtime;
    const dxa = gemm(backend, dy!, loraB!, false, false, { alpha: a.scale });
    const dB = gemm(backend, dy!, xa!, true, false, { alpha: a.scale });
    const keep = keepMask(backend, x!.shape, a);
    const n = sizeOf(x!);
    let h = x!;
    if (keep !== null) {
      h = backend.makeTensorInfo(x!.shape, 'float32');
      backend.runtime
        .fn('LoraLinear', 'lora_dropout')
        .launch(stream, gridFor(n), BLOCK, 0, [
          backend.pointer(x!),
          backend.pointer(keep),
          backend.pointer(h),
          n,
          dropScale(a.dropoutRate),
        ]);
    }
    const dA = gemm(backend, dxa, h, true, false);
    if (h !== x) backend.disposeIntermediateTensorInfo(h);
    const dx = gemm(backend, dy!, weight!, false, false);
    if (keep === null) {
      gemm(backend, dxa, loraA!, false, false, { into: dx });
    } else {
      // dx += drop(dxa A): the product, then the masked accumulate.
      const dhRaw = gemm(backend, dxa, loraA!, false, false);
      if (n > 0) {
        backend.runtime
          .fn('LoraLinear', 'lora_add_dropout')
          .launch(stream, gridFor(n), BLOCK, 0, [
            backend.pointer(dx),
            backend.pointer(dhRaw),
            backend.pointer(keep),
            n,
            dropScale(a.dropoutRate),
          ]);
      }
      backend.disposeIntermediateTensorInfo(dhRaw);
      backend.disposeIntermediateTensorInfo(keep);
    }
    backend.disposeIntermediateTensorInfo(dxa);
    return [dx, dA, dB];
  },
};
