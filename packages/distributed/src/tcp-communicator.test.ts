import { tf } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allGatherHost,
  allReduceHost,
  broadcastHost,
  reduceScatterHost,
} from './control/host-collectives.js';
import { channels, destroyAll, onEveryRank, tcpGroup } from './test-support/in-process-group.js';

/** Rank r's input: r + 1 times a fixed ramp, so every reduction has a known answer. */
const input = (rank: number, n: number) =>
  Float32Array.from({ length: n }, (_, i) => (rank + 1) * (i + 1) * 0.5);

describe('TcpCommunicator (3 ranks on loopback)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('matches a single-process reference for every collective, on every rank', async () => {
    const group = await tcpGroup(3);
    const n = 6;
    const sum = Float32Array.from({ length: n }, (_, i) =>
      [0, 1, 2].reduce((s, r) => s + input(r, n)[i]!, 0),
    );
    const results = await onEveryRank(group, async (comm, rank) => {
      const x = tf.tensor(input(rank, n), [3, 2]);
      const outs = {
        sum: await comm.allReduce(x),
        avg: await comm.allReduce(x, 'avg'),
        max: await comm.allReduce(x, 'max'),
        scatter: await comm.reduceScatter(x),
        gather: await comm.allGather(x),
        bcast: await comm.broadcast(x, 2),
      };
      const values = Object.fromEntries(
        Object.entries(outs).map(([k, t]) => [k, { shape: t.shape, data: Array.from(t.dataSync()) }]),
      );
      tf.dispose([x, ...Object.values(outs)]);
      return values;
    });
    for (const [rank, r] of results.entries()) {
      expect(r.sum).toEqual({ shape: [3, 2], data: Array.from(sum) });
      expect(r.avg!.data).toEqual(Array.from(sum).map((s) => Math.fround(s / 3)));
      expect(r.max!.data).toEqual(Array.from(input(2, n)));
      expect(r.scatter).toEqual({ shape: [1, 2], data: Array.from(sum.subarray(2 * rank, 2 * rank + 2)) });
      expect(r.gather).toEqual({ shape: [9, 2], data: [0, 1, 2].flatMap((q) => Array.from(input(q, n))) });
      expect(r.bcast!.data).toEqual(Array.from(input(2, n)));
    }
    await destroyAll(group);
  });

  it('reduces host numbers and buffers, gathers and broadcasts objects, and waits at barriers', async () => {
    const group = await tcpGroup(3);
    const results = await onEveryRank(group, async (comm, rank) => {
      const numbers = await comm.allReduceNumbers([rank, 2 ** 40 + rank], 'sum');
      const buffer = Float32Array.of(rank, 1);
      await comm.allReduceBuffer(buffer, 'max');
      const objects = await comm.allGatherObject({ rank, tag: `r${rank}` });
      const picked = await comm.broadcastObject(rank === 1 ? { dir: 'checkpoint-6' } : null, 1);
      await comm.barrier();
      return { numbers, buffer: Array.from(buffer), objects, picked };
    });
    for (const r of results) {
      expect(r.numbers).toEqual([3, 3 * 2 ** 40 + 3]); // float64: counts stay exact
      expect(r.buffer).toEqual([2, 1]);
      expect(r.objects).toEqual([0, 1, 2].map((q) => ({ rank: q, tag: `r${q}` })));
      expect(r.picked).toEqual({ dir: 'checkpoint-6' });
    }
    await destroyAll(group);
  });

  it('splits large transfers into rounds without changing the results', async () => {
    const group = await channels(3);
    const n = 12;
    const out = await onEveryRank(group, async (channel, rank) => {
      const all = input(rank, n);
      await allReduceHost(channel, all, 'sum', 5);
      const mine = await reduceScatterHost(channel, input(rank, n), 'sum', 5);
      const gathered = await allGatherHost(channel, input(rank, 4), 5);
      const b = rank === 0 ? input(0, 7) : new Float32Array(7);
      await broadcastHost(channel, b, 0, 3);
      return {
        all: Array.from(all),
        mine: Array.from(mine),
        gathered: Array.from(gathered),
        b: Array.from(b),
      };
    });
    const sum = Array.from({ length: n }, (_, i) => [0, 1, 2].reduce((s, r) => s + input(r, n)[i]!, 0));
    for (const [rank, r] of out.entries()) {
      expect(r.all).toEqual(sum);
      expect(r.mine).toEqual(sum.slice(4 * rank, 4 * rank + 4));
      expect(r.gathered).toEqual([0, 1, 2].flatMap((q) => Array.from(input(q, 4))));
      expect(r.b).toEqual(Array.from(input(0, 7)));
    }
    await Promise.all(group.map((c) => c.close()));
  });

  it('fails every rank, naming both sides, when ranks call different collectives', async () => {
    const group = await tcpGroup(2);
    const results = await Promise.allSettled([group[0]!.allReduceNumbers([1]), group[1]!.barrier()]);
    const messages = results.map((r) => ((r as PromiseRejectedResult).reason as Error).message);
    expect(messages[0]).toMatch(
      /^allReduce #0: the ranks called different collectives: rank [01] .*allReduce\(sum\) of 1 float64, rank [01] barrier: allReduce\(sum\) of 0 float32|rank [01] barrier: allReduce\(sum\) of 0 float32, rank [01] allReduce\(sum\) of 1 float64/,
    );
    expect(messages[1]).toBe(messages[0]);
    await destroyAll(group);
  });

  it('names the rank a collective waits for once the timeout passes', async () => {
    const group = await tcpGroup(3, { collectiveTimeoutMs: 300 });
    const started = Date.now();
    const results = await Promise.allSettled([group[0]!.barrier(), group[1]!.barrier()]); // rank 2 never comes
    expect(Date.now() - started).toBeLessThan(3_000);
    for (const r of results) {
      expect(((r as PromiseRejectedResult).reason as Error).message).toMatch(
        /^barrier #0 timed out after 0.3 s waiting for rank 2 \(pid \d+ on .+\) \(rank 0, 1 arrived\)/,
      );
    }
    await destroyAll(group);
  });

  it('fails the others at once, naming the rank, when a rank’s connection drops', async () => {
    const group = await channels(3);
    const pending = [group[0]!, group[1]!].map((c) =>
      c.exchange({ kind: 'allReduce', dtype: 'f32', op: 'sum' }, new Uint8Array(0), 'allReduce'),
    );
    // Rank 2 "crashes": its socket closes without a goodbye.
    (group[2] as unknown as { link: { destroy(): void } }).link.destroy();
    const results = await Promise.allSettled(pending);
    const messages = results.map((r) => ((r as PromiseRejectedResult).reason as Error).message);
    expect(messages[0]).toMatch(
      /^rank 2 \(pid \d+ on .+\) closed its connection without leaving the group \(it exited or crashed\)/,
    );
    expect(messages[1]).toBe(messages[0]);
    expect(group[1]!.error?.rank).toBe(2);
    await Promise.all(group.map((c) => c.close()));
  });
});
