/** backend-cuda's device variable (kept here as a name: this package does not import backend-cuda). */
export const DEVICE_ENV_VAR = 'MEDGPT_CUDA_DEVICE';

/** torchrun's default rendezvous port. */
export const DEFAULT_MASTER_PORT = 29500;

/** `medgpt launch`'s settings: torchrun's flags (--nproc_per_node, --nnodes, --node_rank ...). */
export interface LaunchOptions {
  /** Processes on this node, one per GPU. */
  nprocPerNode: number;
  /** Nodes in the run (default 1). */
  nnodes?: number;
  /** This node's index, 0 .. nnodes - 1 (default 0). */
  nodeRank?: number;
  /** Host of global rank 0 (default 127.0.0.1; the address of node 0 when nnodes > 1). */
  masterAddr?: string;
  /** Rendezvous port on rank 0 (default: a free port on one node, 29500 across nodes). */
  masterPort?: number;
  /** The program each process runs, then its arguments. */
  command: readonly string[];
  /** The children's environment before torchrun's variables are added (default process.env). */
  env?: Record<string, string | undefined>;
  /** Where the children's stdout and stderr lines go, prefixed "[rank N] " (default: ours). */
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** How long the other ranks get to exit after SIGTERM once one failed, before SIGKILL (default 10 s). */
  killGraceMs?: number;
  /** Forward SIGINT and SIGTERM to the children (default true). */
  forwardSignals?: boolean;
}

/** How one process ended. */
export interface RankExit {
  rank: number;
  localRank: number;
  pid: number;
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LaunchResult {
  /** 0 when every rank exited 0; 1 when one failed; 128 + n after forwarding signal n. */
  exitCode: number;
  /** The first rank that failed (the others were stopped because of it), with a one-line description. */
  failure?: RankExit & { message: string };
  /** Every process, in rank order. */
  exits: RankExit[];
}
