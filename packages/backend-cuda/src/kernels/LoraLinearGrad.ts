// LoraLinearGrad (the backward of LoraLinear) over the same CUDA source; see LoraLinear.ts.
import { LoraLinearGrad, tf, type LoraLinearAttrs } from '@medgpt/core-tensor';
import { gemm } from './BatchMatMul.js';
import { cudaBackend } from './launch-config.js';
import { dropout, checkShapes } from './LoraLinear.js';
import { concatInputGrad, concatInputGradPays, loraConcatEnabled } from './lora-concat.js';

// With h = drop(x), xa = h Aᵀ and y = x Wᵀ + s · xa Bᵀ (core-tensor's LoraLinearGrad):
//   dxa = s · dy B,  dB = s · dyᵀ xa,  dA = dxaᵀ h,  dx = dy W + drop(dxa A)
export const loraLinearGradConfig: tf.KernelConfig = {
  kernelName: LoraLinearGrad,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { dy, x, weight, loraA, loraB, xa } = inputs as Record<string, tf.TensorInfo>;
    const [t, inF, outF, r] = checkShapes(LoraLinearGrad, { x, weight, loraA, loraB, dy, xa });
    const a = attrs as LoraLinearAttrs;
    const dxa = gemm(backend, dy!, loraB!, false, false, { alpha: a.scale });
    const dB = gemm(backend, dy!, xa!, true, false, { alpha: a.scale });
    let h = x!;
    if (a.dropoutRate > 0) {
      h = backend.makeTensorInfo(x!.shape, 'float32');
      dropout(backend, 'write', x!, h, a);
    }
    const dA = gemm(backend, dxa, h, true, false);
    if (h !== x) backend.disposeIntermediateTensorInfo(h);
    // dx = [dy | dxa] [W ; A] when that moves fewer bytes (lora-concat.ts); not through dropout's mask.
    const concat =
      a.dropoutRate === 0 &&
      t * inF * outF > 0 &&
      loraConcatEnabled(backend) &&
      concatInputGradPays(inF, outF, r);
    if (concat) {
      const dx = concatInputGrad(backend, dy!, weight!, dxa, loraA!);
      backend.disposeIntermediateTensorInfo(dxa);
      return [dx, dA, dB];
    }
    const dx = gemm(backend, dy!, weight!, false, false);
    if (a.dropoutRate === 0) {
      gemm(backend, dxa, loraA!, false, false, { into: dx });
    } else {
      // dx += drop(dxa A): the product, then the masked accumulate.
      const dhRaw = gemm(backend, dxa, loraA!, false, false);
      dropout(backend, 'accumulate', dhRaw, dx, a);
      backend.disposeIntermediateTensorInfo(dhRaw);
    }
    backend.disposeIntermediateTensorInfo(dxa);
    return [dx, dA, dB];
  },
};
