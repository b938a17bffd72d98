// A whole process group inside one process (every rank's sockets on loopback), for fast tests of the
// protocol and the collectives; the multi-process tests use real child processes.
import type { ControlChannel } from '../control/control-channel.js';
import { rendezvous, type RendezvousOptions } from '../control/rendezvous.js';
import { freePort } from '../launch/free-port.js';
import { TcpCommunicator } from '../tcp-communicator.js';

export type GroupOptions = Partial<Omit<RendezvousOptions, 'rank' | 'worldSize' | 'masterPort'>>;

/** The control channels of `worldSize` ranks, rank order. */
export async function channels(worldSize: number, options: GroupOptions = {}): Promise<ControlChannel[]> {
  const masterPort = await freePort();
  return Promise.all(
    Array.from({ length: worldSize }, (_, rank) =>
      rendezvous({ masterAddr: '127.0.0.1', timeoutMs: 5_000, ...options, rank, worldSize, masterPort }),
    ),
  );
}

/** A TcpCommunicator per rank. */
export async function tcpGroup(worldSize: number, options: GroupOptions = {}): Promise<TcpCommunicator[]> {
  return (await channels(worldSize, options)).map((c) => new TcpCommunicator(c));
}

/** Runs `f` on every rank at once and returns the ranks' results. */
export function onEveryRank<C, T>(
  group: readonly C[],
  f: (comm: C, rank: number) => Promise<T>,
): Promise<T[]> {
  return Promise.all(group.map((comm, rank) => f(comm, rank)));
}

export async function destroyAll(group: readonly { destroy(): Promise<void> }[]): Promise<void> {
  await Promise.all(group.map((c) => c.destroy()));
}
