import { tf } from '../tf.js';
import { TokenLogprobsGrad, type TokenLogprobsAttrs } from '../kernel-names.js';
import { rowClasses, scaledSoftmaxMinusOneHot, type LogitsInputs } from './logits-softmax.js';
import { withScratch } from './wasm-scratch.js';

// TokenLogprobsGrad on wasm: wasm's chunked softmax times a per-row scale (logits-softmax.ts).

/** dlogits row i = dy_i * (onehot(label_i) - softmax(row i)); 0 where ignored. */
export const tokenLogprobsGradWasmKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const t = inputs as unknown as LogitsInputs & { dy: tf.TensorInfo };
  const { ignoreIndex } = attrs as unknown as TokenLogprobsAttrs;
  return withScratch(backend, (s) => {
    const classes = rowClasses(s, TokenLogprobsGrad, t, ignoreIndex);
    const dy = s.f32(t.dy);
    const scales = Float32Array.from(classes, (label, row) => (label >= 0 ? -dy[row]! : 0));
    return scaledSoftmaxMinusOneHot(s, t.logits, classes, scales);
  });
};

export const tokenLogprobsGradWasmConfig: tf.KernelConfig = {
  kernelName: TokenLogprobsGrad,
  backendName: 'wasm',
  kernelFunc: tokenLogprobsGradWasmKernel,
};
