// The rendezvous: rank 0 listens on MASTER_ADDR:MASTER_PORT, every other rank connects (retrying until
// rank 0 is up) and says who it is; once all have joined, rank 0 sends everyone the table of ranks and
// its blob (the NCCL unique id). A rank that never joins, joins twice, or disagrees on the world size
// or transport fails the rendezvous for all, with an error naming it. The connections stay, as the
// control channel.
import { createServer, type Server } from 'node:net';
import { hostname } from 'node:os';
import { DistributedError } from '../distributed-error.js';
import type { Frame } from '../transport/frame-codec.js';
import { PeerLink } from '../transport/peer-link.js';
import { connectWithRetry } from './connect-with-retry.js';
import { seconds, type ControlChannel, type PeerInfo } from './control-channel.js';
import { MasterChannel } from './master-channel.js';
import { WorkerChannel } from './worker-channel.js';

export interface RendezvousOptions {
  rank: number;
  worldSize: number;
  masterAddr: string;
  masterPort: number;
  localRank?: number;
  /** Rank 0's: handed to every rank (the 128-byte NCCL unique id). Others leave it out. */
  blob?: Uint8Array;
  /** This rank's tensor transport ('tcp' or 'nccl'); every rank must name the same. Default 'tcp'. */
  backend?: string;
  /** How long ranks wait for each other to join (default 300 s). */
  timeoutMs?: number;
  /** How long a later collective round waits for the slowest rank (default 1800 s, HF's ddp_timeout). */
  collectiveTimeoutMs?: number;
  /** Delay between connection attempts to rank 0 (default 100 ms). */
  retryMs?: number;
}

export const DEFAULT_RENDEZVOUS_TIMEOUT_MS = 300_000;
export const DEFAULT_COLLECTIVE_TIMEOUT_MS = 1_800_000;
/** Rank 0's deadline passes first, so its reason (which rank is missing) reaches the others. */
const WORKER_GRACE_MS = 5_000;

/** Joins the group; resolves with the control channel once every rank is in. */
export async function rendezvous(options: RendezvousOptions): Promise<ControlChannel> {
  const { rank, worldSize } = options;
  if (!(Number.isSafeInteger(worldSize) && worldSize >= 1))
    throw new RangeError(`rendezvous: world size ${worldSize} is not an integer >= 1`);
  if (!(Number.isSafeInteger(rank) && rank >= 0 && rank < worldSize))
    throw new RangeError(`rendezvous: rank ${rank} is not in [0, ${worldSize})`);
  return rank === 0 ? host(options) : join(options);
}

function selfInfo(o: RendezvousOptions): PeerInfo {
  return {
    rank: o.rank,
    localRank: o.localRank ?? o.rank,
    host: hostname(),
    pid: process.pid,
    backend: o.backend ?? 'tcp',
  };
}

async function host(o: RendezvousOptions): Promise<MasterChannel> {
  const blob = o.blob ?? new Uint8Array(0);
  const collectiveTimeout = o.collectiveTimeoutMs ?? DEFAULT_COLLECTIVE_TIMEOUT_MS;
  const peers: PeerInfo[] = [selfInfo(o)];
  if (o.worldSize === 1) return new MasterChannel(1, peers, blob, collectiveTimeout, new Map());
  const server = createServer();
  await listen(server, o);
  const timeoutMs = o.timeoutMs ?? DEFAULT_RENDEZVOUS_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const links = new Map<number, PeerLink>();
    let done = false;
    const finish = (error?: DistributedError) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      server.close();
      if (error) {
        for (const link of links.values()) {
          link.send({ type: 'reject', reason: error.message.replace(/^rendezvous: /, '') });
          link.end();
        }
        reject(error);
        return;
      }
      for (const [r, link] of links) link.send({ type: 'welcome', peers, rank: r }, blob);
      resolve(new MasterChannel(o.worldSize, peers, blob, collectiveTimeout, links));
    };
    const timer = setTimeout(() => {
      const missing = ranksMissing(o.worldSize, links);
      finish(
        new DistributedError(
          `rendezvous: ${missing.length === 1 ? 'rank' : 'ranks'} ${missing.join(', ')} did not join within ` +
            `${seconds(timeoutMs)} (${links.size + 1} of ${o.worldSize} joined); every rank must be started ` +
            `with the same MASTER_ADDR:MASTER_PORT (${o.masterAddr}:${o.masterPort}) and WORLD_SIZE`,
          'rendezvous',
          missing[0],
        ),
      );
    }, timeoutMs);
    server.on('connection', (socket) => {
      let joined: number | undefined;
      const link: PeerLink = new PeerLink(socket, {
        onFrame: (frame) => {
          const problem = checkHello(frame, o, links, peers[0]!.backend);
          if (typeof problem === 'string') {
            finish(new DistributedError(`rendezvous: ${problem}`, 'rendezvous', rankOf(frame)));
            link.send({ type: 'reject', reason: problem });
            link.end();
            return;
          }
          joined = problem.rank;
          links.set(joined, link);
          peers[joined] = problem;
          if (links.size === o.worldSize - 1) finish();
        },
        onClose: () => {
          if (joined !== undefined && links.get(joined) === link) {
            finish(
              new DistributedError(
                `rendezvous: rank ${joined} disconnected before every rank had joined`,
                'rendezvous',
                joined,
              ),
            );
          }
        },
      });
    });
  });
}

async function join(o: RendezvousOptions): Promise<WorkerChannel> {
  const timeoutMs = o.timeoutMs ?? DEFAULT_RENDEZVOUS_TIMEOUT_MS;
  const address = `${o.masterAddr}:${o.masterPort}`;
  let socket;
  try {
    socket = await connectWithRetry(o.masterAddr, o.masterPort, Date.now() + timeoutMs, o.retryMs ?? 100);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new DistributedError(
      `rendezvous: rank ${o.rank} could not reach rank 0 at ${address} within ${seconds(timeoutMs)} (${code}); ` +
        'is rank 0 running, and do all ranks have the same MASTER_ADDR and MASTER_PORT?',
      'rendezvous',
      0,
      { cause: err },
    );
  }
  return new Promise((resolve, reject) => {
    const fail = (message: string) => {
      clearTimeout(timer);
      link.destroy();
      reject(new DistributedError(`rendezvous: ${message}`, 'rendezvous', 0));
    };
    const timer = setTimeout(
      () =>
        fail(
          `rank 0 at ${address} did not complete the rendezvous within ${seconds(timeoutMs + WORKER_GRACE_MS)}`,
        ),
      timeoutMs + WORKER_GRACE_MS,
    );
    const link = new PeerLink(socket, {
      onFrame: ({ header, body }) => {
        if (header.type === 'reject') fail(`rank 0 refused rank ${o.rank}: ${String(header.reason)}`);
        else if (header.type === 'welcome') {
          clearTimeout(timer);
          const peers = header.peers as PeerInfo[];
          const channel = new WorkerChannel(
            o.rank,
            o.worldSize,
            peers,
            new Uint8Array(body),
            o.collectiveTimeoutMs ?? DEFAULT_COLLECTIVE_TIMEOUT_MS,
            link,
            address,
          );
          resolve(channel);
        }
      },
      onClose: (error) =>
        fail(
          `rank 0 at ${address} closed the connection before every rank had joined${error ? `: ${error.message}` : ''}`,
        ),
    });
    link.send({ type: 'hello', ...selfInfo(o), worldSize: o.worldSize });
  });
}

/** A hello's PeerInfo, or why it cannot join. */
function checkHello(
  { header }: Frame,
  o: RendezvousOptions,
  links: ReadonlyMap<number, PeerLink>,
  backend: string,
): PeerInfo | string {
  if (header.type !== 'hello') return `expected a hello, got a '${header.type}' message`;
  const rank = header.rank as number;
  if (!(Number.isSafeInteger(rank) && rank >= 1 && rank < o.worldSize))
    return `a process joined as rank ${String(rank)}, outside 1..${o.worldSize - 1} (WORLD_SIZE is ${o.worldSize} on rank 0)`;
  if (header.worldSize !== o.worldSize)
    return `rank ${rank} has WORLD_SIZE ${String(header.worldSize)}, rank 0 has ${o.worldSize}`;
  if (links.has(rank)) return `two processes joined as rank ${rank} (check RANK / --node_rank on every node)`;
  if (header.backend !== backend)
    return `rank ${rank} uses the '${String(header.backend)}' transport, rank 0 uses '${backend}' (every rank must use the same backend)`;
  return {
    rank,
    localRank: header.localRank as number,
    host: String(header.host),
    pid: header.pid as number,
    backend,
  };
}

function rankOf({ header }: Frame): number | undefined {
  return typeof header.rank === 'number' ? header.rank : undefined;
}

function ranksMissing(worldSize: number, links: ReadonlyMap<number, PeerLink>): number[] {
  const missing: number[] = [];
  for (let r = 1; r < worldSize; r++) if (!links.has(r)) missing.push(r);
  return missing;
}

/** Listens where the other ranks will connect: the loopback address itself, else every interface. */
function listen(server: Server, o: RendezvousOptions): Promise<void> {
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(o.masterAddr);
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new DistributedError(
          `rendezvous: rank 0 cannot listen on port ${o.masterPort} (${err.code ?? err.message})` +
            (err.code === 'EADDRINUSE' ? '; another run may be using it: pick another --master_port' : ''),
          'rendezvous',
          0,
          { cause: err },
        ),
      ),
    );
    server.listen({ port: o.masterPort, host: loopback ? o.masterAddr : undefined }, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
}
