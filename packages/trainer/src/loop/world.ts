import { shardBatch, type Communicator } from '@medgpt/distributed';

/**
 * Where this process stands in a multi-process run, and the few collectives the loop itself runs
 * (the gradient ones are the ParameterUpdate's). With no communicator, everything is local.
 */
export class World {
  constructor(readonly comm: Communicator | null) {}

  get rank(): number {
    return this.comm?.rank ?? 0;
  }

  get size(): number {
    return this.comm?.worldSize ?? 1;
  }

  /** Rank 0 logs, evaluates and writes checkpoints (HF's is_world_process_zero). */
  get isMain(): boolean {
    return this.rank === 0;
  }

  /** This rank's rows of each global micro-batch (empty ones dropped); all of them in one process. */
  shard<E>(batches: readonly E[][]): E[][] {
    if (this.size === 1) return [...batches];
    return batches.map((b) => shardBatch(b, this.rank, this.size)).filter((b) => b.length > 0);
  }

  /** Numbers summed over the ranks (the same numbers in one process). */
  async sum(values: number[]): Promise<number[]> {
    return this.comm ? this.comm.allReduceNumbers(values, 'sum') : values;
  }

  /** Whether any rank says yes (a stop asked for on one rank stops all of them at the same step). */
  async any(flags: boolean[]): Promise<boolean[]> {
    if (!this.comm) return flags;
    const out = await this.comm.allReduceNumbers(
      flags.map((f) => (f ? 1 : 0)),
      'max',
    );
    return out.map((x) => x > 0);
  }

  /** Each metric averaged over the ranks that report it (a task's metrics, e.g. DPO's rewards). */
  async mean(metrics: Record<string, number>): Promise<Record<string, number>> {
    if (!this.comm) return metrics;
    const all = await this.comm.allGatherObject(metrics);
    const out: Record<string, number> = {};
    for (const key of new Set(all.flatMap((m) => Object.keys(m)))) {
      const values = all.map((m) => m[key]).filter((v): v is number => typeof v === 'number');
      out[key] = values.reduce((a, b) => a + b, 0) / values.length;
    }
    return out;
  }

  async barrier(): Promise<void> {
    await this.comm?.barrier();
  }
}
