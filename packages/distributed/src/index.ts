// @medgpt/distributed: several processes training one model, as torchrun + torch.distributed do it.

// Where a process sits: torchrun's variables
export { DISTRIBUTED_ENV_VARS, readDistributedEnv, type DistributedEnv } from './distributed-env.js';

// The group and its collectives
export type { Communicator, CommunicatorBackend } from './communicator.js';
export { REDUCE_OPS, type ReduceOp } from './reduce-op.js';
export { DistributedError } from './distributed-error.js';
export {
  DIST_BACKEND_ENV,
  destroyProcessGroup,
  getProcessGroup,
  initProcessGroup,
  type ProcessGroupOptions,
} from './init-process-group.js';
export { TcpCommunicator } from './tcp-communicator.js';
export {
  DEFAULT_COLLECTIVE_TIMEOUT_MS,
  DEFAULT_RENDEZVOUS_TIMEOUT_MS,
  rendezvous,
  type RendezvousOptions,
} from './control/rendezvous.js';
export { ControlChannel, type PeerInfo } from './control/control-channel.js';

// NCCL (libnccl.so.2 through koffi, on the cuda backend)
export { NcclCommunicator } from './nccl/nccl-communicator.js';
export {
  LIBNCCL_ENV,
  loadNccl,
  ncclCandidates,
  type LoadedNccl,
  type LoadNcclResult,
} from './nccl/load-nccl.js';
export { NcclError } from './nccl/nccl-error.js';
export { NCCL_UNIQUE_ID_BYTES, type NcclApi } from './nccl/nccl-api.js';

// Data parallel and ZeRO-1
export { shardBatch } from './shard-batch.js';
export { partitionFlat, type FlatPartition, type ShardSegment } from './flat-partition.js';
export {
  allReduceGradients,
  DEFAULT_BUCKET_BYTES,
  gradientBuckets,
  syncGradientPresence,
  type AllReduceGradientsOptions,
  type GradientParam,
} from './gradient-buckets.js';
export { Zero1Optimizer, type Zero1Options } from './zero1-optimizer.js';
export {
  checkZeroStage,
  DEEPSPEED_CHECKED,
  deepSpeedMismatches,
  readDeepSpeedConfig,
  SUPPORTED_ZERO_STAGES,
  type DeepSpeedConfig,
} from './deepspeed-config.js';

// The launcher (medgpt launch)
export { launch } from './launch/launch.js';
export {
  DEFAULT_MASTER_PORT,
  DEVICE_ENV_VAR,
  type LaunchOptions,
  type LaunchResult,
  type RankExit,
} from './launch/launch-options.js';
export { rankEnv, type RankPlace } from './launch/rank-env.js';
export { freePort } from './launch/free-port.js';
