// ZeRO stage 1: every rank keeps the whole model but AdamW's state (exp_avg, exp_avg_sq) only for its
// shard of the flattened parameters. A step: reduce-scatter the gradients (each rank gets the sum of
// its shard), the global gradient norm from per-shard sums of squares, clipping, AdamW on the shard,
// then all-gather the updated shards into every rank's parameters. Both collectives go in pieces of
// about a DDP bucket, so no flat copy of every parameter is ever made. The arithmetic per element is
// MultiTensorAdamW's (the same kernel), so a run matches plain data parallel to float32 rounding of
// the gradient norm.
import {
  MultiTensorAdamWUpdate,
  multiTensorAdamWInputs,
  tf,
  type ClipGradNormResult,
  type MultiTensorAdamWUpdateAttrs,
  type OptimizerState,
} from '@medgpt/core-tensor';
import type { Communicator } from './communicator.js';
import { partitionFlat, type FlatPartition, type ShardSegment } from './flat-partition.js';
import { FlatAssembler, flatRange } from './flat-pieces.js';
import { DEFAULT_BUCKET_BYTES, syncGradientPresence } from './gradient-buckets.js';

export interface Zero1Options {
  lr: number;
  betas: [number, number];
  eps: number;
  /** Weight decay of each parameter by name (HF: none for biases and norm weights). */
  weightDecay: (name: string) => number;
  /** Bytes a collective round moves at most (default 25 MiB, DDP's bucket). */
  bucketBytes?: number;
}

/** AdamW's slots, named as torch names them. */
const SLOTS = ['exp_avg', 'exp_avg_sq'] as const;

export class Zero1Optimizer {
  readonly partition: FlatPartition;
  private readonly mine: readonly ShardSegment[];
  /** exp_avg, exp_avg_sq per segment of this rank's shard; null before the parameter's first step. */
  private readonly slots: ({ m: tf.Tensor; v: tf.Tensor } | null)[];
  /** Steps taken by each parameter (every rank counts all of them). */
  private readonly paramSteps: number[];
  private steps = 0;
  private learningRate: number;
  /** This rank's clipped gradient shard between reduceAndClip() and step(). */
  private shardGrad: tf.Tensor | null = null;
  private present: boolean[] = [];
  /** Elements of a rank's shard per collective round. */
  private readonly piece: number;
  private readonly sizes: number[];

  constructor(
    private readonly comm: Communicator,
    readonly params: readonly tf.Variable[],
    private readonly options: Zero1Options,
  ) {
    this.partition = partitionFlat(
      params.map((p) => p.size),
      comm.worldSize,
    );
    this.mine = this.partition.shards[comm.rank]!;
    this.sizes = params.map((p) => p.size);
    this.piece = Math.max(1, Math.floor((options.bucketBytes ?? DEFAULT_BUCKET_BYTES) / 4 / comm.worldSize));
    this.slots = this.mine.map(() => null);
    this.paramSteps = params.map(() => 0);
    this.learningRate = options.lr;
  }

  get lr(): number {
    return this.learningRate;
  }

  setLearningRate(lr: number): void {
    if (!(Number.isFinite(lr) && lr >= 0))
      throw new RangeError(`Zero1Optimizer: lr ${lr} is not a finite number >= 0`);
    this.learningRate = lr;
  }

  get stepCount(): number {
    return this.steps;
  }

  /** Bytes of AdamW state this rank holds: 2 x 4 bytes per element of its shard that has state. */
  get stateBytes(): number {
    return this.slots.reduce((n, s, i) => n + (s ? 8 * this.mine[i]!.length : 0), 0);
  }

  /**
   * Sums the ranks' gradients into this rank's shard (reduce-scatter), computes the global 2-norm and
   * clips the shard to `maxNorm` (Infinity: no clipping), as clipGradNorm does. `grads` is read, not
   * changed (the caller disposes it). Collective: every rank calls it.
   */
  async reduceAndClip(grads: tf.NamedTensorMap, maxNorm: number): Promise<ClipGradNormResult> {
    this.discardGradients();
    const names = this.params.map((p) => ({ name: p.name, shape: p.shape }));
    const local = { ...grads };
    const present = new Set((await syncGradientPresence(this.comm, local, names)).map((p) => p.name));
    this.present = this.params.map((p) => present.has(p.name));
    let shard: tf.Tensor;
    try {
      shard = await this.reduceScatterPieces(this.params.map((p) => local[p.name] ?? null));
    } finally {
      // Zeros made for gradients this rank lacked are ours to free; the caller's stay.
      for (const p of this.params) if (local[p.name] !== grads[p.name]) local[p.name]!.dispose();
    }
    const squares = await this.paramSquares(shard);
    const nonFinite = this.params.filter((_, i) => !Number.isFinite(squares[i]!)).map((p) => p.name);
    const totalNorm = Math.sqrt(squares.reduce((a, b) => a + b, 0));
    const finite = Number.isFinite(totalNorm);
    const coef = finite ? maxNorm / (totalNorm + 1e-6) : 1;
    if (finite && coef < 1) {
      const scaled = tf.tidy(() => tf.mul(shard, coef));
      shard.dispose();
      shard = scaled;
    }
    this.shardGrad = shard;
    return {
      totalNorm,
      clipCoef: finite && coef < 1 ? coef : 1,
      clipped: finite && coef < 1,
      finite,
      nonFinite,
    };
  }

  /** AdamW on this rank's shard with the gradients of reduceAndClip(), then the all-gather. Collective. */
  async step(): Promise<void> {
    const grad = this.shardGrad;
    if (grad === null) throw new Error('Zero1Optimizer.step: call reduceAndClip() first');
    this.shardGrad = null;
    let updated: tf.Tensor;
    try {
      updated = this.updateShard(grad);
    } finally {
      grad.dispose();
    }
    try {
      await this.allGatherPieces(
        updated,
        (i) => this.present[i]!,
        (i, value) => {
          this.params[i]!.assign(value);
          value.dispose();
        },
      );
    } finally {
      updated.dispose();
    }
    this.present.forEach((p, i) => {
      if (p) this.paramSteps[i]! += 1;
    });
    this.steps += 1;
  }

  /** Drops the gradient shard of a step that is skipped (non-finite loss or norm). */
  discardGradients(): void {
    this.shardGrad?.dispose();
    this.shardGrad = null;
  }

  /**
   * The whole optimizer state, every parameter's slots gathered from the ranks that hold them, in the
   * form MultiTensorAdamW.stateDict() gives (so checkpoints are the same files whatever the world
   * size). Collective; the caller owns the tensors.
   */
  async gatherState(): Promise<OptimizerState> {
    const full: Record<string, tf.Tensor[]> = { exp_avg: [], exp_avg_sq: [] };
    try {
      for (const [s, slot] of SLOTS.entries()) {
        const shard = tf.tidy(() => this.shardOf((k) => this.slots[k]?.[s === 0 ? 'm' : 'v'] ?? null));
        try {
          await this.allGatherPieces(
            shard,
            (i) => this.paramSteps[i]! > 0,
            (i, value) => (full[slot]![i] = value),
          );
        } finally {
          shard.dispose();
        }
      }
    } catch (err) {
      tf.dispose([...full.exp_avg!, ...full.exp_avg_sq!].filter(Boolean));
      throw err;
    }
    const params: OptimizerState['params'] = {};
    this.params.forEach((p, i) => {
      if (this.paramSteps[i] === 0) return;
      params[p.name] = {
        step: this.paramSteps[i]!,
        slots: { exp_avg: full.exp_avg![i]!, exp_avg_sq: full.exp_avg_sq![i]! },
      };
    });
    return { optimizer: 'AdamW', stepCount: this.steps, lr: this.learningRate, params };
  }

  /** Takes this rank's shard of a whole state (from gatherState() or an AdamW checkpoint). Local. */
  loadStateDict(state: OptimizerState): void {
    if (state.optimizer !== 'AdamW')
      throw new Error(
        `Zero1Optimizer.loadStateDict: state was saved by '${state.optimizer}'; expected 'AdamW'`,
      );
    const index = new Map(this.params.map((p, i) => [p.name, i]));
    for (const [name, ps] of Object.entries(state.params)) {
      const i = index.get(name);
      if (i === undefined)
        throw new Error(`Zero1Optimizer.loadStateDict: parameter '${name}' is not one of this optimizer's`);
      for (const slot of SLOTS) {
        const t = ps.slots[slot];
        if (!t || t.size !== this.params[i]!.size)
          throw new Error(
            `Zero1Optimizer.loadStateDict: parameter '${name}' slot '${slot}' is missing or has the wrong size`,
          );
      }
    }
    this.disposeSlots();
    this.paramSteps.fill(0);
    for (const [name, ps] of Object.entries(state.params)) this.paramSteps[index.get(name)!] = ps.step;
    this.mine.forEach((seg, k) => {
      const ps = state.params[this.params[seg.param]!.name];
      if (!ps) return;
      const take = (t: tf.Tensor) =>
        tf.keep(tf.tidy(() => tf.slice(tf.reshape(t, [-1]), seg.paramOffset, seg.length)));
      this.slots[k] = { m: take(ps.slots.exp_avg!), v: take(ps.slots.exp_avg_sq!) };
    });
    this.steps = state.stepCount;
    this.setLearningRate(state.lr);
  }

  dispose(): void {
    this.discardGradients();
    this.disposeSlots();
  }

  /**
   * This rank's shard of the summed gradients: one reduce-scatter per piece, each taking the same
   * piece of every rank's shard out of the per-parameter gradients (at most two rounds in flight).
   */
  private async reduceScatterPieces(grads: (tf.Tensor | null)[]): Promise<tf.Tensor> {
    const { shardSize, offsets } = this.partition;
    const world = this.comm.worldSize;
    const parts: tf.Tensor[] = [];
    let previous: Promise<tf.Tensor> | null = null;
    try {
      for (let at = 0; at < shardSize; at += this.piece) {
        const n = Math.min(this.piece, shardSize - at);
        const input = tf.tidy(() =>
          tf.concat(
            Array.from({ length: world }, (_, r) =>
              flatRange(grads, offsets, this.sizes, r * shardSize + at, n),
            ),
          ),
        );
        const round = this.comm.reduceScatter(input, 'sum').finally(() => input.dispose());
        round.catch(() => undefined); // awaited below; a failure of an earlier round must not leave it unhandled
        if (previous) parts.push(await previous);
        previous = round;
      }
      if (previous) parts.push(await previous);
    } catch (err) {
      tf.dispose(parts);
      throw err;
    }
    if (parts.length === 0) return tf.zeros([0]);
    const shard = parts.length === 1 ? parts[0]! : tf.concat(parts);
    if (parts.length > 1) tf.dispose(parts);
    return shard;
  }

  /**
   * Every rank's `shard` gathered piece by piece; each parameter `wanted` is handed to `complete`
   * whole as soon as all of its elements are in.
   */
  private async allGatherPieces(
    shard: tf.Tensor,
    wanted: (param: number) => boolean,
    complete: (param: number, value: tf.Tensor) => void,
  ): Promise<void> {
    const { shardSize, offsets } = this.partition;
    const assembler = new FlatAssembler(
      offsets,
      this.params.map((p) => p.shape),
      wanted,
      complete,
    );
    try {
      for (let at = 0; at < shardSize; at += this.piece) {
        const n = Math.min(this.piece, shardSize - at);
        const mine = tf.slice(shard, at, n);
        let all: tf.Tensor;
        try {
          all = await this.comm.allGather(mine);
        } finally {
          mine.dispose();
        }
        try {
          for (let r = 0; r < this.comm.worldSize; r++) {
            const part = tf.slice(all, r * n, n);
            assembler.add(r * shardSize + at, part);
            part.dispose();
          }
        } finally {
          all.dispose();
        }
      }
    } finally {
      assembler.dispose();
    }
  }

  /** Runs the AdamW kernel on every segment with a gradient; returns the new shard of parameters. */
  private updateShard(grad: tf.Tensor): tf.Tensor {
    const values: (tf.Tensor | null)[] = this.mine.map(() => null);
    const groups = new Map<number, number[]>();
    this.mine.forEach((seg, k) => {
      if (!this.present[seg.param]) return;
      const decay = this.options.weightDecay(this.params[seg.param]!.name);
      groups.set(decay, [...(groups.get(decay) ?? []), k]);
    });
    try {
      for (const [weightDecay, ks] of groups) this.updateGroup(grad, ks, weightDecay, values);
      return tf.tidy(() => this.shardOf((k) => values[k] ?? this.paramSlice(this.mine[k]!)));
    } finally {
      tf.dispose(values.filter((t): t is tf.Tensor => t !== null));
    }
  }

  private updateGroup(
    grad: tf.Tensor,
    ks: number[],
    weightDecay: number,
    values: (tf.Tensor | null)[],
  ): void {
    const inputs = ks.map((k) => {
      const seg = this.mine[k]!;
      const zeros = () => tf.zeros([seg.length]);
      return {
        param: this.paramSlice(seg),
        grad: tf.slice(grad, seg.shardOffset, seg.length),
        m: this.slots[k]?.m ?? zeros(),
        v: this.slots[k]?.v ?? zeros(),
      };
    });
    const attrs: MultiTensorAdamWUpdateAttrs = {
      lr: this.learningRate,
      beta1: this.options.betas[0],
      beta2: this.options.betas[1],
      eps: this.options.eps,
      weightDecay,
      steps: ks.map((k) => this.paramSteps[this.mine[k]!.param]! + 1),
    };
    let outs: tf.Tensor[];
    try {
      outs = tf
        .engine()
        .runKernel(MultiTensorAdamWUpdate, multiTensorAdamWInputs(inputs), attrs) as tf.Tensor[];
    } finally {
      // The kernel may hand back its inputs (updated in place, refcount + 1): dropping ours is safe.
      for (const [i, input] of inputs.entries()) {
        input.param.dispose();
        input.grad.dispose();
        if (this.slots[ks[i]!] === null) tf.dispose([input.m, input.v]);
      }
    }
    ks.forEach((k, i) => {
      values[k] = outs[3 * i]!;
      this.slots[k]?.m.dispose();
      this.slots[k]?.v.dispose();
      this.slots[k] = { m: tf.keep(outs[3 * i + 1]!), v: tf.keep(outs[3 * i + 2]!) };
    });
  }

  /** This rank's shard [shardSize] built from one tensor per segment (null: zeros), padded with zeros. */
  private shardOf(part: (k: number) => tf.Tensor | null): tf.Tensor {
    const pieces = this.mine.map((seg, k) => part(k) ?? tf.zeros([seg.length]));
    const used = this.mine.reduce((n, seg) => n + seg.length, 0);
    const pad = this.partition.shardSize - used;
    if (pad > 0) pieces.push(tf.zeros([pad]));
    return pieces.length === 0 ? tf.zeros([0]) : tf.concat(pieces.map((t) => tf.reshape(t, [-1])));
  }

  private paramSlice(seg: ShardSegment): tf.Tensor {
    return tf.tidy(() => tf.slice(tf.reshape(this.params[seg.param]!, [-1]), seg.paramOffset, seg.length));
  }

  /** Per parameter, the sum of squares of its gradient, summed over the ranks (float64 on the host). */
  private async paramSquares(shard: tf.Tensor): Promise<number[]> {
    const local = new Array<number>(this.params.length).fill(0);
    if (this.mine.length > 0) {
      const sums = tf.tidy(() =>
        tf.stack(this.mine.map((seg) => tf.sum(tf.square(tf.slice(shard, seg.shardOffset, seg.length))))),
      );
      const values = await sums.data();
      sums.dispose();
      this.mine.forEach((seg, k) => (local[seg.param]! += values[k]!));
    }
    return this.comm.allReduceNumbers(local, 'sum');
  }

  private disposeSlots(): void {
    for (const s of this.slots) if (s) tf.dispose([s.m, s.v]);
    this.slots.fill(null);
  }
}
