// Real processes on loopback: the rendezvous across 3 of them, the launcher, and a rank killed mid-run.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './launch/free-port.js';
import { launch } from './launch/launch.js';
import { rankEnv } from './launch/rank-env.js';
import { bundleChild, removeChild } from '../../../tools/test-support/bundle-child.mjs';

let child: string;
beforeAll(async () => {
  child = await bundleChild(new URL('./test-support/rank-child.ts', import.meta.url).pathname);
});
afterAll(async () => {
  if (child) await removeChild(child);
});

function collect() {
  const lines: string[] = [];
  return { lines, write: (text: string) => void lines.push(...text.trimEnd().split('\n')) };
}

describe('launch + rendezvous across processes', () => {
  it('starts 3 ranks with torchrun’s variables; they join and reduce; output is prefixed by rank', async () => {
    const out = collect();
    const err = collect();
    const result = await launch({
      nprocPerNode: 3,
      command: [process.execPath, child, 'ok'],
      stdout: out.write,
      stderr: err.write,
      forwardSignals: false,
    });
    expect(result.exitCode, err.lines.join('\n')).toBe(0);
    expect(result.exits.map((e) => [e.rank, e.code])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
    ]);
    for (const rank of [0, 1, 2]) {
      expect(out.lines).toContain(`[rank ${rank}] READY rank ${rank} of 3: numbers 6, tensor 3,3`);
      expect(out.lines).toContain(`[rank ${rank}] DONE`);
    }
  });

  it('stops the others when a rank fails and names it', async () => {
    const err = collect();
    const started = Date.now();
    const result = await launch({
      nprocPerNode: 3,
      command: [process.execPath, child, 'exit'],
      env: { ...process.env, FAIL_RANK: '2' },
      stdout: () => undefined,
      stderr: err.write,
      forwardSignals: false,
      killGraceMs: 2_000,
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.exitCode).toBe(1);
    expect(result.failure?.message).toMatch(/^rank 2 \(local rank 2, pid \d+\) exited with code 3$/);
    expect(result.exits.find((e) => e.rank === 2)?.code).toBe(3);
  });

  it('makes the other rank exit with an error naming a killed rank, without waiting for the timeout', async () => {
    const masterPort = await freePort();
    const ranks = [0, 1].map((rank) =>
      spawn(process.execPath, [child, 'stall'], {
        env: {
          ...process.env,
          FAIL_RANK: '1',
          ...rankEnv({
            rank,
            localRank: rank,
            worldSize: 2,
            localWorldSize: 2,
            nodeRank: 0,
            masterAddr: '127.0.0.1',
            masterPort,
          }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    let output0 = '';
    ranks[0]!.stdout!.on('data', (d) => (output0 += d));
    ranks[0]!.stderr!.on('data', (d) => (output0 += d));
    await new Promise<void>((resolve) =>
      ranks[1]!.stdout!.on('data', (d: Buffer) => String(d).includes('READY') && resolve()),
    );
    const killedAt = Date.now();
    ranks[1]!.kill('SIGKILL');
    const code = await new Promise<number | null>((resolve) => ranks[0]!.on('exit', resolve));
    expect(Date.now() - killedAt).toBeLessThan(5_000); // the collective timeout is 20 s
    expect(code).toBe(1);
    expect(output0).toMatch(
      /ERROR rank 1 \(pid \d+ on .+\) closed its connection without leaving the group \(it exited or crashed\)/,
    );
  });
});
