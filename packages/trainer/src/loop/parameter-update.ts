// How a step's gradients become new weights: one process (AdamW), data parallel (gradients summed
// across ranks in buckets, then the same AdamW on every rank), or ZeRO-1 (optimizer state sharded).
import {
  clipGradNorm,
  MultiTensorAdamW,
  tf,
  type ClipGradNormResult,
  type OptimizerState,
} from '@medgpt/core-tensor';
import {
  allReduceGradients,
  Zero1Optimizer,
  type Communicator,
  type GradientParam,
} from '@medgpt/distributed';
import type { StatefulOptimizer } from '../checkpoint/optimizer-state-file.js';

/** The optimizer state of one checkpoint; release() frees it unless a writer took it. */
export type CheckpointOptimizer = StatefulOptimizer & { release(): void };

export interface ParameterUpdate {
  /** "AdamW", "AdamW, data parallel over 2 ranks (tcp)", "ZeRO-1 AdamW ..." for the run's header. */
  readonly description: string;
  /**
   * Combines the ranks' gradients and clips them to `maxNorm` (Infinity: not at all). Entries of
   * `grads` may be replaced (the map owns its tensors). Collective in a multi-process run.
   */
  reduceAndClip(grads: tf.NamedTensorMap, maxNorm: number): Promise<ClipGradNormResult>;
  /** The AdamW step at `lr` with the gradients of reduceAndClip(). Collective under ZeRO-1. */
  step(grads: tf.NamedTensorMap, lr: number): Promise<void>;
  /** Called instead of step() for a skipped step. */
  skip(): void;
  /** What resume loads a checkpoint's optimizer state into. */
  readonly resumeTarget: StatefulOptimizer;
  /** The optimizer state to save; collective under ZeRO-1 (every rank calls it, rank 0 writes it). */
  checkpointState(): Promise<CheckpointOptimizer>;
  dispose(): void;
}

export interface AdamWSettings {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
}

/** The update for a run: ZeRO-1 when asked for, else AdamW (with bucketed all-reduce across ranks). */
export function parameterUpdate(
  params: tf.Variable[],
  groups: ConstructorParameters<typeof MultiTensorAdamW>[0],
  settings: AdamWSettings,
  comm: Communicator | null,
  zeroStage: number,
): ParameterUpdate {
  if (zeroStage === 1) return new Zero1Update(params, groups, settings, comm);
  return new AdamWUpdate(new MultiTensorAdamW(groups, settings), params, comm);
}

class AdamWUpdate implements ParameterUpdate {
  readonly description: string;
  private readonly names: GradientParam[];

  constructor(
    private readonly optimizer: MultiTensorAdamW,
    params: tf.Variable[],
    private readonly comm: Communicator | null,
  ) {
    this.names = params.map((p) => ({ name: p.name, shape: p.shape }));
    this.description = comm ? `AdamW, data parallel over ${comm.worldSize} ranks (${comm.backend})` : 'AdamW';
  }

  get resumeTarget(): StatefulOptimizer {
    return this.optimizer;
  }

  async reduceAndClip(grads: tf.NamedTensorMap, maxNorm: number): Promise<ClipGradNormResult> {
    if (this.comm) await allReduceGradients(this.comm, grads, this.names);
    return clipGradNorm(grads, maxNorm);
  }

  async step(grads: tf.NamedTensorMap, lr: number): Promise<void> {
    this.optimizer.setLearningRate(lr);
    this.optimizer.step(grads);
  }

  skip(): void {}

  async checkpointState(): Promise<CheckpointOptimizer> {
    return {
      stateDict: () => this.optimizer.stateDict(),
      loadStateDict: (s) => this.optimizer.loadStateDict(s),
      release() {},
    };
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

class Zero1Update implements ParameterUpdate {
  readonly description: string;
  private readonly zero: Zero1Optimizer;

  constructor(
    params: tf.Variable[],
    groups: ConstructorParameters<typeof MultiTensorAdamW>[0],
    settings: AdamWSettings,
    comm: Communicator | null,
  ) {
    const decay = new Map<string, number>();
    for (const g of groups as { params: tf.Variable[]; weightDecay?: number }[])
      for (const p of g.params) decay.set(p.name, g.weightDecay ?? settings.weightDecay);
    this.zero = new Zero1Optimizer(comm ?? singleRank(), params, {
      lr: settings.lr,
      betas: settings.betas,
      eps: settings.eps,
      weightDecay: (name) => decay.get(name) ?? settings.weightDecay,
    });
    const world = comm?.worldSize ?? 1;
    this.description = `ZeRO-1 AdamW: optimizer state sharded over ${world} rank${world > 1 ? 's' : ''}${comm ? ` (${comm.backend})` : ''}`;
  }

  get resumeTarget(): StatefulOptimizer {
    return {
      stateDict: () => {
        throw new Error('ZeRO-1: the optimizer state is gathered by checkpointState()');
      },
      loadStateDict: (state) => this.zero.loadStateDict(state),
    };
  }

  async reduceAndClip(grads: tf.NamedTensorMap, maxNorm: number): Promise<ClipGradNormResult> {
    const clip = await this.zero.reduceAndClip(grads, maxNorm);
    // The shard of the sums is all the step needs: free the full gradients before AdamW runs.
    for (const name of Object.keys(grads)) {
      grads[name]!.dispose();
      delete grads[name];
    }
    return clip;
  }

  async step(_grads: tf.NamedTensorMap, lr: number): Promise<void> {
    this.zero.setLearningRate(lr);
    await this.zero.step();
  }

  skip(): void {
    this.zero.discardGradients();
  }

  async checkpointState(): Promise<CheckpointOptimizer> {
    let state: OptimizerState | null = await this.zero.gatherState();
    const free = () => {
      if (state) tf.dispose(Object.values(state.params).flatMap((p) => Object.values(p.slots)));
      state = null;
    };
    return {
      // The writer owns (and disposes) what stateDict() returns.
      stateDict: () => {
        const taken = state!;
        state = null;
        return taken;
      },
      loadStateDict: (s) => this.zero.loadStateDict(s),
      release: free,
    };
  }

  dispose(): void {
    this.zero.dispose();
  }
}

/** ZeRO-1 in one process (--zero_stage 1 without a launcher): a group of one, no sockets. */
function singleRank(): Communicator {
  const same = async (x: tf.Tensor) => x.clone();
  return {
    rank: 0,
    worldSize: 1,
    localRank: 0,
    backend: 'tcp',
    error: null,
    allReduce: same,
    reduceScatter: same,
    allGather: same,
    broadcast: same,
    allReduceBuffer: async () => undefined,
    allReduceNumbers: async (values) => [...values],
    allGatherObject: async (value) => [value],
    broadcastObject: async (value) => value,
    barrier: async () => undefined,
    abort: () => undefined,
    destroy: async () => undefined,
  };
}
