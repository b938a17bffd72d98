import { tf } from '@medgpt/core-tensor';
import type { Communicator, CommunicatorBackend } from './communicator.js';
import { rendezvous } from './control/rendezvous.js';
import { readDistributedEnv, type DistributedEnv } from './distributed-env.js';
import { cudaBackendAccess } from './nccl/cuda-backend-access.js';
import { loadNccl, type LoadedNccl } from './nccl/load-nccl.js';
import { NcclCommunicator } from './nccl/nccl-communicator.js';
import { TcpCommunicator } from './tcp-communicator.js';

/** Forces the tensor transport: 'tcp' or 'nccl' (default: nccl on the cuda backend, else tcp). */
export const DIST_BACKEND_ENV = 'MEDGPT_DIST_BACKEND';

export interface ProcessGroupOptions {
  /** Where torchrun's variables are read (default process.env). */
  env?: Record<string, string | undefined>;
  /** This process's place, instead of reading it from `env`. */
  place?: DistributedEnv;
  /** 'auto' (default; or MEDGPT_DIST_BACKEND): 'nccl' when the active tfjs backend is cuda, else 'tcp'. */
  backend?: 'auto' | CommunicatorBackend;
  /** How long a collective waits for the slowest rank (default 1800 s, HF's ddp_timeout). */
  timeoutMs?: number;
  /** How long the ranks wait for each other to join (default 300 s). */
  rendezvousTimeoutMs?: number;
}

let current: Communicator | null = null;

/**
 * torch.distributed.init_process_group for medgpt: joins the run described by torchrun's variables
 * (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT ...) through the TCP rendezvous on rank 0 and builds the
 * communicator, NCCL on the cuda backend. The group is kept as the process's default: later calls
 * return it until destroyProcessGroup().
 */
export async function initProcessGroup(options: ProcessGroupOptions = {}): Promise<Communicator> {
  if (current) return current;
  const env = options.env ?? process.env;
  const place = options.place ?? readDistributedEnv(env) ?? singleProcess();
  const backend = resolveBackend(options.backend ?? env[DIST_BACKEND_ENV] ?? 'auto');
  let nccl: LoadedNccl | undefined;
  let blob: Uint8Array | undefined;
  if (backend === 'nccl') {
    const loaded = await loadNccl(env);
    if (!loaded.ok) throw new Error(`NCCL not available: ${loaded.reason}`);
    nccl = loaded.nccl;
    cudaBackendAccess(); // fails before the rendezvous when the backend is not cuda
    if (place.rank === 0) blob = NcclCommunicator.uniqueId(nccl);
  }
  const channel = await rendezvous({
    rank: place.rank,
    worldSize: place.worldSize,
    localRank: place.localRank,
    masterAddr: place.masterAddr,
    masterPort: place.masterPort,
    backend,
    blob,
    timeoutMs: options.rendezvousTimeoutMs,
    collectiveTimeoutMs: options.timeoutMs,
  });
  try {
    current =
      backend === 'nccl'
        ? await NcclCommunicator.create(channel, place.localRank, nccl!)
        : new TcpCommunicator(channel, place.localRank);
  } catch (err) {
    channel.abort((err as Error).message);
    await channel.close();
    throw err;
  }
  return current;
}

/** The default group made by initProcessGroup, if any. */
export function getProcessGroup(): Communicator | null {
  return current;
}

/** Leaves the default group (torch's destroy_process_group); a no-op without one. */
export async function destroyProcessGroup(): Promise<void> {
  const group = current;
  current = null;
  await group?.destroy();
}

function resolveBackend(name: string): CommunicatorBackend {
  if (name === 'tcp' || name === 'nccl') return name;
  if (name === 'auto' || name === '') return tf.getBackend() === 'cuda' ? 'nccl' : 'tcp';
  throw new Error(`${DIST_BACKEND_ENV}=${name}: expected tcp, nccl or auto`);
}

function singleProcess(): DistributedEnv {
  return {
    rank: 0,
    localRank: 0,
    worldSize: 1,
    localWorldSize: 1,
    nodeRank: 0,
    masterAddr: '127.0.0.1',
    masterPort: 0,
  };
}
