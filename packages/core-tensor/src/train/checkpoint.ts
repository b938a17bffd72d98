// Activation checkpointing (torch.utils.checkpoint): run a block without keeping its intermediates,
// then recompute it during backward. Built on tf.customGrad: its forward runs inside a kernel scope
// (nothing is taped) and a tidy (intermediates are freed on return); its gradient re-runs the block
// under a private tape and back-propagates the incoming dy through it.
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
 * run again and differentiated. `fn` must be a deterministic function of `inputs` (give
 * `options.generators` for its randomness) returning one tensor.
 *
 * Every trainable weight `fn` reads must be one of `inputs`: ops inside the checkpointed forward
 * are not recorded, so a weight reached through a closure would get no gradient. The backward
 * checks this and throws naming the variable. Frozen weights may be non-trainable variables
 * (passed in or closed over); their gradients are not computed. Higher-order gradients through a
 * checkpoint are not supported.
 */
export function checkpoint(fn: Block, inputs: tf.Tensor[], options: CheckpointOptions = {}): tf.Tensor {
  if (inputs.length === 0) {
    throw new Error('checkpoint: inputs is empty; pass the tensors (and weights) fn reads');
  }
  const wanted = inputs.map(differentiable);
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
        recompute(fn, saved, dy as tf.Tensor, wanted, options.generators, rngStates),
    };
  });
  return op(...inputs);
}

function recompute(
  fn: Block,
  saved: tf.Tensor[],
  dy: tf.Tensor,
  wanted: boolean[],
  generators: RandomState[] | undefined,
  rngStates: unknown[] | undefined,
): tf.Tensor[] {
  const xs = saved.filter((_, i) => wanted[i]);
  if (xs.length === 0) return saved.map(() => tf.zeros([]));
  const now = generators?.map((g) => g.getState());
  generators?.forEach((g, i) => g.setState(rngStates![i]));
  try {
    const { value, grads } = onPrivateTape(() =>
      tf.engine().gradients(
        () => {
          const y = fn(...saved);
          checkNoHiddenVariables(saved);
          return y;
        },
        xs,
        dy,
        true,
      ),
    );
    value.dispose();
    let k = 0;
    // Inputs whose gradient cannot be wanted get a scalar stand-in: the engine asks only for
    // gradients on paths to what it differentiates, so it never reads it (a zeros tensor of a
    // frozen weight's size would cost its full memory until the backward ends).
    return saved.map((x, i) => (wanted[i] ? (grads[k++] ?? tf.zerosLike(x)) : tf.zeros([])));
  } finally {
    generators?.forEach((g, i) => g.setState(now![i]));
  }
}

/**
 * Runs `f` as a top-level gradient computation, with the outer backward's tape set aside.
 * tfjs-core 4.22 keeps one global tape: a nested engine.gradients() at gradient depth 0 would
 * replace the outer tape and then null it, crashing the outer backward and leaking its saved
 * tensors. Here the inner call gets its own tape (its saved tensors are freed when it ends) and the
 * outer one is put back.
 */
function onPrivateTape<T>(f: () => T): T {
  const state = tf.engine().state;
  if (state.gradientDepth !== 0) {
    throw new Error('checkpoint: higher-order gradients through a checkpointed block are not supported');
  }
  const outerTape = state.activeTape;
  state.activeTape = null as unknown as typeof state.activeTape;
  try {
    return f();
  } finally {
    state.activeTape = outerTape;
    state.gradientDepth = 0;
  }
}

/** Throws if the block's recorded ops read a trainable variable that is not among its inputs. */
function checkNoHiddenVariables(saved: tf.Tensor[]): void {
  const tape = tf.engine().state.activeTape ?? [];
  const own = new Set(saved.map((t) => t.id));
  for (const node of tape) {
    for (const x of Object.values(node.inputs)) {
      if (x instanceof tf.Variable && x.trainable && !own.has(x.id)) {
        throw new Error(
          `checkpoint: the block reads trainable variable '${x.name}' (op ${node.kernelName}) that is not ` +
            'one of its inputs; pass every weight the block uses in inputs, or its gradient would be lost',
        );
      }
    }
  }
}
