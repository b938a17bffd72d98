// Test helpers shared by the optimizer tests: load torch fixtures and replay them.
import { readFileSync } from 'node:fs';
import { tf } from '../tf.js';
import { closeness } from '../testing/grad-check.js';
import type { Optimizer } from './optimizer.js';

/** One torch run: parameters before, the gradient fed at each step, the parameters after it. */
export interface TorchOptimizerCase<H> {
  hparams: H;
  shapes: number[][];
  params0: number[][];
  grads: number[][][];
  params: number[][][];
}

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

let nextId = 0;

/** Fresh variables holding `values`, with names unique in this process. */
export function makeVariables(shapes: number[][], values: number[][], prefix = 'p'): tf.Variable[] {
  const tag = nextId++;
  // Inside tidy the initial tensors are freed; the variables (never tracked by scopes) survive.
  return tf.tidy(() =>
    shapes.map((shape, i) => tf.variable(tf.tensor(values[i]!, shape), true, `${prefix}${tag}.${i}`)),
  );
}

/** Feeds steps [from, to) of `c` to `opt` and returns the worst closeness to torch's parameters. */
export function replay<H>(
  opt: Optimizer,
  vars: tf.Variable[],
  c: TorchOptimizerCase<H>,
  from = 0,
  to = c.grads.length,
): number {
  let worst = 0;
  for (let s = from; s < to; s++) {
    const grads = Object.fromEntries(vars.map((v, i) => [v.name, tf.tensor(c.grads[s]![i]!, v.shape)]));
    opt.step(grads);
    tf.dispose(Object.values(grads));
    vars.forEach((v, i) => {
      // torch rounds every op to float32, we round once: the gap is a few float32 ulps of the
      // operands, so near-cancelling elements get an absolute allowance scaled to the tensor.
      const want = c.params[s]![i]!;
      const scale = Math.max(...want.map(Math.abs));
      worst = Math.max(worst, closeness(v.dataSync(), want, 1e-6 * scale, 1e-6));
    });
  }
  return worst;
}
