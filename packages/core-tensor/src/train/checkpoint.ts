// Activation checkpointing (torch.utils.checkpoint): run a block without keeping its intermediates,
// then recompute it during backward. Built on tf.customGrad: its forward runs inside a kernel scope
// (nothing is taped) and a tidy (intermediates are freed on return); its gradient re-runs the block
// on a tape of its own and back-propagates the incoming dy through it with the backward driver
// (src/engine), which frees the block's intermediates as it goes.
import { backprop } from '../engine/backprop.js';
import type { TapeNode } from '../engine/engine-internals.js';
import {
  currentGradientSink,
  gradientWanted,
  markHiddenReads,
  unwantedGradient,
  type GradientSink,
} from '../engine/gradient-sink.js';
import { disposeTape, recordTape } from '../engine/record-tape.js';
import { tf } from '../tf.js';

/** Anything whose random state can be saved and replayed, e.g. a Generator feeding dropout. */
export interface RandomState<S = unknown> {
  getState(): S;
  setState(state: S): void;
}

export interface CheckpointOptions {
  /**
   * Generators the block draws from (dropout): their state at the forward is restored for the
   * recomputation, so it sees the same masks, then put back (torch's preserve_rng_state).
   */
  generators?: RandomState[];
}

type Block = (...inputs: tf.Tensor[]) => tf.Tensor;

/** Whether the gradient of input `x` can be wanted: float32 and not a frozen variable. */
function differentiable(x: tf.Tensor): boolean {
  return x.dtype === 'float32' && !(x instanceof tf.Variable && !x.trainable);
}

/**
 * Runs `fn(...inputs)` keeping only `inputs` (not its intermediates) for backward, where `fn` is
 * run again and differentiated. `fn` must be a deterministic function of `inputs` and of the
 * tensors it reads through closures (give `options.generators` for its randomness) returning one
 * tensor.
 *
 * Weights `fn` reads through closures (a model's own weights, LoRA adapters in a linear hook) get
 * their gradients when the backward is the driver's (valueAndGrads / valueAndGradients): they are
 * found on the recomputed tape and handed to the running backward pass. Under tfjs's own
 * tf.variableGrads / tf.grads they cannot be, so there every trainable weight `fn` reads must be
 * one of `inputs`; the backward checks this and throws naming the variable. Under the driver the
 * checkpoint's gradient runs whenever its output has a gradient (the driver cannot see what it reads).
 *
 * Tensors read through closures must still be alive when the backward runs: pass per-call tensors
 * that a tidy frees (masks, positions) in `inputs`, which keeps them. Frozen weights may be
 * non-trainable variables (passed in or closed over); their gradients are not computed.
 * Higher-order gradients through a checkpoint are not supported.
 */
export function checkpoint(fn: Block, inputs: tf.Tensor[], options: CheckpointOptions = {}): tf.Tensor {
  if (inputs.length === 0) {
    throw new Error('checkpoint: inputs is empty; pass the tensors (and weights) fn reads');
  }
  const rngStates = options.generators?.map((g) => g.getState());
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const xs = args as tf.Tensor[];
    save(xs);
    const value = fn(...xs);
    if (!(value instanceof tf.Tensor)) throw new TypeError('checkpoint: fn must return one tensor');
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        recompute(fn, inputs, saved, dy as tf.Tensor, options.generators, rngStates),
    };
  });
  const y = op(...inputs);
  markHiddenReads(y);
  return y;
}

function recompute(
  fn: Block,
  inputs: tf.Tensor[],
  saved: tf.Tensor[],
  dy: tf.Tensor,
  generators: RandomState[] | undefined,
  rngStates: unknown[] | undefined,
): tf.Tensor[] {
  if (tf.engine().state.gradientDepth !== 0) {
    throw new Error('checkpoint: higher-order gradients through a checkpointed block are not supported');
  }
  const sink = currentGradientSink();
  // The driver knows which inputs it differentiates by (they are its tape's, not the saved aliases).
  const wanted = inputs.map((x) => differentiable(x) && gradientWanted(x));
  const now = generators?.map((g) => g.getState());
  generators?.forEach((g, i) => g.setState(rngStates![i]));
  try {
    const { value, tape } = recordTape(() => fn(...saved));
    const own = saved.filter((_, i) => wanted[i]);
    let hidden: tf.Tensor[];
    try {
      hidden = sink?.acceptsHidden ? hiddenInputs(tape, saved, sink) : checkNoHiddenVariables(tape, saved);
    } catch (e) {
      disposeTape(tape);
      value.dispose();
      throw e;
    }
    const xs = [...own, ...hidden];
    const grads =
      xs.length > 0 ? backprop(tape, xs, value, { dy, acceptsHidden: sink?.acceptsHidden ?? false }) : [];
    if (xs.length === 0) disposeTape(tape);
    value.dispose();
    hidden.forEach((t, i) => {
      const g = grads[own.length + i];
      if (g != null) sink!.accumulate(t, g);
    });
    let k = 0;
    // Inputs whose gradient is not wanted share one stand-in: the engine asks only for gradients on
    // paths to what it differentiates, so it never reads it.
    const standIn = wanted.every(Boolean) ? null : unwantedGradient();
    return saved.map((x, i) => (wanted[i] ? (grads[k++] ?? tf.zerosLike(x)) : standIn!));
  } finally {
    generators?.forEach((g, i) => g.setState(now![i]));
  }
}

/**
 * Tensors the recomputed block read that are neither its inputs nor made inside it, and that the
 * running backward differentiates by (weights read through closures).
 */
function hiddenInputs(tape: TapeNode[], saved: tf.Tensor[], sink: GradientSink): tf.Tensor[] {
  const known = new Set(saved.map((t) => t.id));
  const found: tf.Tensor[] = [];
  for (const node of tape) {
    for (const x of Object.values(node.inputs)) {
      if (x == null || known.has(x.id)) continue;
      known.add(x.id);
      if (sink.wants(x)) found.push(x);
    }
    for (const out of node.outputs) known.add(out.id);
  }
  return found;
}

/**
 * Throws if the block's recorded ops read a trainable variable that is not among its inputs (under
 * tfjs's own backward, which has no way to receive its gradient); returns no hidden inputs.
 */
function checkNoHiddenVariables(tape: TapeNode[], saved: tf.Tensor[]): tf.Tensor[] {
  const own = new Set(saved.map((t) => t.id));
  for (const node of tape) {
    for (const x of Object.values(node.inputs)) {
      if (x instanceof tf.Variable && x.trainable && !own.has(x.id)) {
        throw new Error(
          `checkpoint: the block reads trainable variable '${x.name}' (op ${node.kernelName}) that is not ` +
            'one of its inputs; pass every weight the block uses in inputs, or its gradient would be lost ' +
            '(or differentiate with valueAndGrads, which collects such gradients)',
        );
      }
    }
  }
  return [];
}
