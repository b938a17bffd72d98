// torchrun's environment contract: every process of a run learns its place from these variables,
// whether torchrun or `medgpt launch` started it.

/** Where this process sits in a multi-process run. */
export interface DistributedEnv {
  /** Global rank, 0 .. worldSize - 1 (RANK). */
  rank: number;
  /** Rank on this node, which also picks its GPU (LOCAL_RANK). */
  localRank: number;
  /** Processes in the whole run (WORLD_SIZE). */
  worldSize: number;
  /** Processes on this node (LOCAL_WORLD_SIZE; default WORLD_SIZE). */
  localWorldSize: number;
  /** This node's index (GROUP_RANK; default 0). */
  nodeRank: number;
  /** Host of rank 0, where the rendezvous listens (MASTER_ADDR). */
  masterAddr: string;
  /** Port of the rendezvous on rank 0 (MASTER_PORT). */
  masterPort: number;
}

/** The variables, in the order they are documented. */
export const DISTRIBUTED_ENV_VARS = [
  'RANK',
  'LOCAL_RANK',
  'WORLD_SIZE',
  'LOCAL_WORLD_SIZE',
  'GROUP_RANK',
  'MASTER_ADDR',
  'MASTER_PORT',
] as const;

/**
 * The run this process belongs to, from torchrun's variables; null when WORLD_SIZE is not set (a
 * plain single-process run). A malformed value is an error naming the variable and its value.
 */
export function readDistributedEnv(
  env: Record<string, string | undefined> = process.env,
): DistributedEnv | null {
  if (env.WORLD_SIZE === undefined || env.WORLD_SIZE === '') return null;
  const worldSize = integer(env, 'WORLD_SIZE', 1, Infinity);
  const rank = integer(env, 'RANK', 0, worldSize - 1);
  const localWorldSize =
    env.LOCAL_WORLD_SIZE === undefined ? worldSize : integer(env, 'LOCAL_WORLD_SIZE', 1, worldSize);
  const localRank = env.LOCAL_RANK === undefined ? rank : integer(env, 'LOCAL_RANK', 0, localWorldSize - 1);
  const nodeRank = env.GROUP_RANK === undefined ? 0 : integer(env, 'GROUP_RANK', 0, worldSize - 1);
  const masterAddr = env.MASTER_ADDR ?? '';
  if (masterAddr === '' && worldSize > 1) {
    throw new Error(
      'MASTER_ADDR is not set: a multi-process run needs the host of rank 0 (torchrun and medgpt launch set it)',
    );
  }
  const masterPort = worldSize > 1 ? integer(env, 'MASTER_PORT', 1, 65535) : 0;
  return {
    rank,
    localRank,
    worldSize,
    localWorldSize,
    nodeRank,
    masterAddr: masterAddr || '127.0.0.1',
    masterPort,
  };
}

function integer(env: Record<string, string | undefined>, name: string, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') {
    throw new Error(
      `${name} is not set; torchrun and medgpt launch set it for every process (WORLD_SIZE is ${env.WORLD_SIZE})`,
    );
  }
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new Error(`${name}=${raw}: expected an integer ${range}`);
  }
  return value;
}
