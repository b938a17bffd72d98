import { tf } from '../tf.js';
import { CrossEntropy, type CrossEntropyAttrs } from '../kernel-names.js';
import { labelLogprobs, rowClasses, type LogitsInputs } from './logits-softmax.js';
import { withScratch } from './wasm-scratch.js';

// CrossEntropy on wasm: the label log-probabilities from wasm's chunked softmax (logits-softmax.ts).

/** Scalar loss: -sum of counted log-probabilities, over their count for 'mean' (0 when none counts). */
export const crossEntropyWasmKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const t = inputs as unknown as LogitsInputs;
  const { ignoreIndex, reduction } = attrs as unknown as CrossEntropyAttrs;
  return withScratch(backend, (s) => {
    const classes = rowClasses(s, CrossEntropy, t, ignoreIndex);
    const logprobs = labelLogprobs(s, t.logits, classes);
    let total = 0;
    let count = 0;
    for (let row = 0; row < classes.length; row++) {
      if (classes[row]! < 0) continue;
      total -= logprobs[row]!;
      count++;
    }
    const loss = reduction === 'mean' ? (count > 0 ? total / count : 0) : total;
    const out = s.alloc([]);
    s.f32(out)[0] = loss;
    return s.keep(out);
  });
};

export const crossEntropyWasmConfig: tf.KernelConfig = {
  kernelName: CrossEntropy,
  backendName: 'wasm',
  kernelFunc: crossEntropyWasmKernel,
};
