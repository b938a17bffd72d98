// The backward half of the driver: walks a recorded tape in reverse, like tfjs's
// backpropagateGradients, but frees memory as it goes, as PyTorch's autograd does. tfjs keeps every
// saved tensor and every activation gradient until the whole backward ends (peak = all saved
// activations + all activation gradients, tfjs-engine-findings.md §9); here
// - a node's saved tensors are freed once its gradient has run (at once for nodes no variable reaches),
// - a tensor's gradient is freed once the node that produced the tensor has consumed it,
// - tfjs's tape filter (getFilteredNodesXToY, O(|tape| x |xs|), §5) is replaced by one forward pass
//   marking what the xs reach; a node is differentiated when it is reached and one of its outputs has a
//   gradient, which is exactly the filter's "from x and leads to y",
// - an output without a gradient next to one with a gradient gets zeros from one Fill kernel per shape
//   and pass, shared by every such output, instead of tfjs's host-side zeros upload per output (§11,
//   obstacle 4; e.g. LoraLinear's second output in every adapted linear).
import { tf } from '../tf.js';
import { unkeep, type TapeNode } from './engine-internals.js';
import { currentGradientSink, hasHiddenReads, withGradientSink, type GradientSink } from './gradient-sink.js';

export interface BackpropOptions {
  /** Gradient of `y` to start from (the caller keeps it); default ones. */
  dy?: tf.Tensor;
  /**
   * Whether blocks inside may hand this pass gradients of tensors they read through closures
   * (gradient-sink.ts). Default true; false when the outermost backward is tfjs's own.
   */
  acceptsHidden?: boolean;
}

/**
 * Gradients of `y` with respect to each of `xs` through the recorded `tape` (null where `y` does not
 * depend on it). Consumes the tape: every tensor its nodes saved is disposed, also on error. The
 * returned gradients belong to the caller's scope, like tfjs's.
 */
export function backprop(
  tape: TapeNode[],
  xs: tf.Tensor[],
  y: tf.Tensor,
  options: BackpropOptions = {},
): (tf.Tensor | null)[] {
  const pass = new BackwardPass(tape, xs, options.acceptsHidden ?? true, currentGradientSink());
  // The cast only hides the nulls from tidy's typing; tidy skips them.
  return tf.tidy(() => withGradientSink(pass, () => pass.run(y, options.dy)) as tf.Tensor[]);
}

class BackwardPass implements GradientSink {
  /** Ids of the xs and of every tensor computed from them. */
  private readonly fromX = new Set<number>();
  /** Per tape node: whether one of its inputs is in fromX. */
  private readonly reached: boolean[];
  /** Accumulated gradient per tensor id; every one is kept, so scopes never free it under us. */
  private readonly grads = new Map<number, tf.Tensor>();
  private readonly xIds: Set<number>;
  /** Tensors the walk reads but does not own: the caller's dy and the shared zeros. */
  private readonly borrowed = new Set<tf.Tensor>();
  private readonly zeros = new Map<string, tf.Tensor>();

  constructor(
    private readonly tape: TapeNode[],
    private readonly xs: tf.Tensor[],
    readonly acceptsHidden: boolean,
    private readonly parent: GradientSink | null,
  ) {
    this.xIds = new Set(xs.map((x) => x.id));
    for (const id of this.xIds) this.fromX.add(id);
    this.reached = tape.map((node) => this.markReached(node));
  }

  wants(t: tf.Tensor): boolean {
    return this.fromX.has(t.id) || (this.parent?.wants(t) ?? false);
  }

  accumulate(t: tf.Tensor, grad: tf.Tensor): void {
    if (this.fromX.has(t.id)) this.add(t.id, grad);
    else if (this.parent !== null) this.parent.accumulate(t, grad);
    else grad.dispose();
  }

  run(y: tf.Tensor, dy: tf.Tensor | undefined): (tf.Tensor | null)[] {
    try {
      if (dy !== undefined && !tf.util.arraysEqual(dy.shape, y.shape)) {
        throw new Error(`backprop: dy has shape [${dy.shape}]; expected y's shape [${y.shape}]`);
      }
      if (dy !== undefined) this.borrowed.add(dy);
      this.grads.set(y.id, dy ?? tf.keep(tf.fill(y.shape, 1, 'float32')));
      for (let i = this.tape.length - 1; i >= 0; i--) {
        if (this.reached[i]) this.visit(this.tape[i]!);
      }
      return this.xs.map((x) => this.take(x.id));
    } finally {
      this.release();
    }
  }

  /** Marks the outputs of `node` as computed from the xs when one of its inputs is; frees what it saved otherwise. */
  private markReached(node: TapeNode): boolean {
    if (this.readsFromX(node)) {
      for (const out of node.outputs) this.fromX.add(out.id);
      return true;
    }
    // No gradient will flow through it: its saved tensors can go before the backward starts.
    disposeAll(node.saved);
    node.saved = [];
    return false;
  }

  private readsFromX(node: TapeNode): boolean {
    for (const name in node.inputs) {
      const input = node.inputs[name];
      if (input != null && this.fromX.has(input.id)) return true;
    }
    // A block that reads weights through closures may read an x (gradient-sink.ts).
    return node.outputs.some(hasHiddenReads);
  }

  private visit(node: TapeNode): void {
    const dys = this.outputGrads(node);
    if (dys === null) {
      disposeAll(node.saved);
      node.saved = [];
      return;
    }
    const { names, dxs } = tf.tidy(() => this.inputGrads(node, dys));
    // A gradient function may return a tensor this node owned (a dy passed through, a saved tensor):
    // ownership moves to the input's entry, so it is not freed below.
    for (const s of node.saved ?? []) if (!dxs.includes(s)) s.dispose();
    node.saved = [];
    node.outputs.forEach((out, j) => {
      const dy = dys[j]!;
      if (this.grads.get(out.id) !== dy) return; // shared zeros
      // An x's gradient stays in the map to be returned; the rest is consumed now.
      if (this.xIds.has(out.id)) return;
      this.grads.delete(out.id);
      if (!this.borrowed.has(dy) && !dxs.includes(dy)) dy.dispose();
    });
    dxs.forEach((dx, k) => {
      // Entries own their tensor: copy one that is also returned for an earlier input, or that stays
      // the caller's or the walk's (dy, zeros) or another entry's (the gradient of an x).
      const shared = dxs.indexOf(dx) < k || this.borrowed.has(dx) || this.isEntry(dx, node);
      this.add(node.inputs[names[k]!]!.id, shared ? tf.clone(dx) : dx);
    });
  }

  /** Whether `t` is the retained gradient of one of the node's outputs that is an x. */
  private isEntry(t: tf.Tensor, node: TapeNode): boolean {
    return node.outputs.some((out) => this.xIds.has(out.id) && this.grads.get(out.id) === t);
  }

  /** The gradients of the node's outputs, zeros for outputs without one; null when none has one. */
  private outputGrads(node: TapeNode): tf.Tensor[] | null {
    let any = false;
    const dys = node.outputs.map((out) => {
      const g = this.grads.get(out.id);
      if (g !== undefined) any = true;
      return g;
    });
    if (!any) return null;
    return dys.map((g, j) => g ?? this.zerosLike(node.outputs[j]!));
  }

  /** Zeros shaped like `t`, one tensor per shape and dtype for the whole pass (gradients never mutate). */
  private zerosLike(t: tf.Tensor): tf.Tensor {
    const key = `${t.dtype}[${t.shape}]`;
    let z = this.zeros.get(key);
    if (z === undefined) {
      z = tf.keep(tf.fill(t.shape, 0, t.dtype));
      this.zeros.set(key, z);
      this.borrowed.add(z);
    }
    return z;
  }

  /** Runs the node's gradient for the inputs computed from the xs (as tfjs's filter prunes the rest). */
  private inputGrads(node: TapeNode, dys: tf.Tensor[]): { names: string[]; dxs: tf.Tensor[] } {
    if (node.gradient == null) {
      throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
    }
    const grads = node.gradient(dys);
    const names: string[] = [];
    const dxs: tf.Tensor[] = [];
    for (const name in node.inputs) {
      const x = node.inputs[name];
      if (x == null || !this.fromX.has(x.id)) continue;
      const grad = grads[name];
      if (grad === undefined) {
        throw new Error(
          `Cannot backprop through input ${name} of ${node.kernelName}. ` +
            `Available gradients found: ${Object.keys(grads)}.`,
        );
      }
      const dx = grad();
      checkGradient(node.kernelName, name, dx, x);
      names.push(name);
      dxs.push(dx);
    }
    return { names, dxs };
  }

  /** Adds `dx` (ownership taken) to the gradient of tensor `id`. */
  private add(id: number, dx: tf.Tensor): void {
    const prev = this.grads.get(id);
    if (prev === undefined) {
      this.grads.set(id, tf.keep(dx));
      return;
    }
    this.grads.set(id, tf.keep(tf.add(prev, dx)));
    if (!this.borrowed.has(prev)) prev.dispose();
    dx.dispose();
  }

  /** Removes a result from the map and hands it to the caller's scope. */
  private take(id: number): tf.Tensor | null {
    const g = this.grads.get(id);
    if (g === undefined) return null;
    this.grads.delete(id);
    return this.borrowed.has(g) ? tf.clone(g) : unkeep(g);
  }

  /** Frees whatever is still held: gradients (after an error, or of unreached outputs) and saved tensors. */
  private release(): void {
    for (const g of this.grads.values()) if (!this.borrowed.has(g)) g.dispose();
    this.grads.clear();
    for (const z of this.zeros.values()) z.dispose();
    for (const node of this.tape) {
      disposeAll(node.saved);
      node.saved = [];
    }
  }
}

function disposeAll(tensors: tf.Tensor[] | undefined): void {
  if (tensors !== undefined) for (const t of tensors) t.dispose();
}

function checkGradient(kernelName: string, name: string, dx: tf.Tensor, x: tf.Tensor): void {
  if (dx.dtype !== 'float32') {
    throw new Error(
      `Error in gradient for op ${kernelName}. The gradient of input ${name} must have 'float32' dtype, ` +
        `but has '${dx.dtype}'`,
    );
  }
  if (!tf.util.arraysEqual(dx.shape, x.shape)) {
    throw new Error(
      `Error in gradient for op ${kernelName}. The gradient of input '${name}' has shape '${dx.shape}', ` +
        `which does not match the shape of the input '${x.shape}'`,
    );
  }
}
