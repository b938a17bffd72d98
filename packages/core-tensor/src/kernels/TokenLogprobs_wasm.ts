import { tf } from '../tf.js';
import { TokenLogprobs, type TokenLogprobsAttrs } from '../kernel-names.js';
import { labelLogprobs, rowClasses, type LogitsInputs } from './logits-softmax.js';
import { withScratch } from './wasm-scratch.js';

// TokenLogprobs on wasm: the label log-probabilities from wasm's chunked softmax (logits-softmax.ts).

/** [N]: log softmax(row)[label], 0 where ignored. */
export const tokenLogprobsWasmKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const t = inputs as unknown as LogitsInputs;
  const { ignoreIndex } = attrs as unknown as TokenLogprobsAttrs;
  return withScratch(backend, (s) => {
    const classes = rowClasses(s, TokenLogprobs, t, ignoreIndex);
    const logprobs = labelLogprobs(s, t.logits, classes);
    const out = s.alloc(t.labels.shape);
    const o = s.f32(out);
    for (let row = 0; row < classes.length; row++) o[row] = classes[row]! < 0 ? 0 : logprobs[row]!;
    return s.keep(out);
  });
};

export const tokenLogprobsWasmConfig: tf.KernelConfig = {
  kernelName: TokenLogprobs,
  backendName: 'wasm',
  kernelFunc: tokenLogprobsWasmKernel,
};
