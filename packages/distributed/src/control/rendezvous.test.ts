import { describe, expect, it } from 'vitest';
import { freePort } from '../launch/free-port.js';
import { channels } from '../test-support/in-process-group.js';
import { rendezvous } from './rendezvous.js';

describe('rendezvous', () => {
  it("joins 3 ranks: everyone gets the table of ranks and rank 0's blob", async () => {
    const blob = new Uint8Array(128).map((_, i) => i);
    const group = await channels(3, { blob, backend: 'tcp' });
    for (const [rank, channel] of group.entries()) {
      expect(channel.rank).toBe(rank);
      expect(channel.worldSize).toBe(3);
      expect(Array.from(channel.blob)).toEqual(Array.from(blob));
      expect(channel.peers.map((p) => [p.rank, p.pid, p.backend])).toEqual(
        [0, 1, 2].map((r) => [r, process.pid, 'tcp']),
      );
    }
    await Promise.all(group.map((c) => c.close()));
  });

  it('lets the other ranks start first: they retry until rank 0 listens', async () => {
    const masterPort = await freePort();
    const common = { worldSize: 2, masterAddr: '127.0.0.1', masterPort, timeoutMs: 5_000, retryMs: 20 };
    const worker = rendezvous({ ...common, rank: 1 });
    await new Promise((r) => setTimeout(r, 150));
    const [master, joined] = await Promise.all([rendezvous({ ...common, rank: 0 }), worker]);
    expect(joined.peers[0]!.rank).toBe(0);
    await Promise.all([master.close(), joined.close()]);
  });

  it('names the rank that never joins, on every rank, within the timeout', async () => {
    const masterPort = await freePort();
    const common = { worldSize: 3, masterAddr: '127.0.0.1', masterPort, timeoutMs: 400 };
    const started = Date.now();
    const results = await Promise.allSettled([
      rendezvous({ ...common, rank: 0 }),
      rendezvous({ ...common, rank: 1 }),
    ]);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const [master, worker] = results.map((r) => ((r as PromiseRejectedResult).reason as Error).message);
    expect(master).toMatch(/^rendezvous: rank 2 did not join within 0.4 s \(2 of 3 joined\)/);
    expect(worker).toMatch(/^rendezvous: rank 0 refused rank 1: rank 2 did not join within 0.4 s/);
  });

  it('refuses two processes with the same rank and a world size that disagrees', async () => {
    const masterPort = await freePort();
    const common = { worldSize: 3, masterAddr: '127.0.0.1', masterPort, timeoutMs: 2_000 };
    const twice = await Promise.allSettled([
      rendezvous({ ...common, rank: 0 }),
      rendezvous({ ...common, rank: 1 }),
      rendezvous({ ...common, rank: 1 }),
    ]);
    expect(twice.every((r) => r.status === 'rejected')).toBe(true);
    expect(((twice[0] as PromiseRejectedResult).reason as Error).message).toBe(
      'rendezvous: two processes joined as rank 1 (check RANK / --node_rank on every node)',
    );

    const port2 = await freePort();
    const sizes = await Promise.allSettled([
      rendezvous({ ...common, masterPort: port2, rank: 0 }),
      rendezvous({ ...common, masterPort: port2, worldSize: 2, rank: 1 }),
    ]);
    expect(((sizes[1] as PromiseRejectedResult).reason as Error).message).toBe(
      'rendezvous: rank 0 refused rank 1: rank 1 has WORLD_SIZE 2, rank 0 has 3',
    );
  });

  it('tells a rank that cannot reach rank 0 where it looked', async () => {
    const masterPort = await freePort();
    await expect(
      rendezvous({ rank: 1, worldSize: 2, masterAddr: '127.0.0.1', masterPort, timeoutMs: 300, retryMs: 50 }),
    ).rejects.toThrow(
      `rendezvous: rank 1 could not reach rank 0 at 127.0.0.1:${masterPort} within 0.3 s (ECONNREFUSED); is rank 0 running`,
    );
  });
});
