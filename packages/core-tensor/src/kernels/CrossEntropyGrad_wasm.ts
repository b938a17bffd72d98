import { tf } from '../tf.js';
import { CrossEntropyGrad, type CrossEntropyAttrs } from '../kernel-names.js';
import { rowClasses, scaledSoftmaxMinusOneHot, type LogitsInputs } from './logits-softmax.js';
import { withScratch } from './wasm-scratch.js';

// CrossEntropyGrad on wasm: wasm's chunked softmax times a per-row scale (logits-softmax.ts).

/** dlogits = (softmax - onehot) * dy / count ('mean') or * dy ('sum'); 0 on ignored rows or when none counts. */
export const crossEntropyGradWasmKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const t = inputs as unknown as LogitsInputs & { dy: tf.TensorInfo };
  const { ignoreIndex, reduction } = attrs as unknown as CrossEntropyAttrs;
  return withScratch(backend, (s) => {
    const classes = rowClasses(s, CrossEntropyGrad, t, ignoreIndex);
    const count = classes.reduce((c, label) => c + (label >= 0 ? 1 : 0), 0);
    if (count === 0) return s.keep(s.zeros(t.logits.shape));
    const dy = s.f32(t.dy)[0]!;
    const scale = reduction === 'mean' ? dy / count : dy;
    const scales = Float32Array.from(classes, (label) => (label >= 0 ? scale : 0));
    return scaledSoftmaxMinusOneHot(s, t.logits, classes, scales);
  });
};

export const crossEntropyGradWasmConfig: tf.KernelConfig = {
  kernelName: CrossEntropyGrad,
  backendName: 'wasm',
  kernelFunc: crossEntropyGradWasmKernel,
};
