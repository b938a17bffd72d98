import { DEVICE_ENV_VAR } from './launch-options.js';

/** The place of one process of a launch. */
export interface RankPlace {
  rank: number;
  localRank: number;
  worldSize: number;
  localWorldSize: number;
  nodeRank: number;
  masterAddr: string;
  masterPort: number;
}

/**
 * torchrun's variables for one process, plus the CUDA device of its local rank for the cuda backend
 * (MEDGPT_CUDA_DEVICE, an ordinal among the devices CUDA_VISIBLE_DEVICES leaves visible).
 */
export function rankEnv(place: RankPlace): Record<string, string> {
  return {
    RANK: String(place.rank),
    LOCAL_RANK: String(place.localRank),
    WORLD_SIZE: String(place.worldSize),
    LOCAL_WORLD_SIZE: String(place.localWorldSize),
    GROUP_RANK: String(place.nodeRank),
    ROLE_RANK: String(place.rank),
    ROLE_WORLD_SIZE: String(place.worldSize),
    MASTER_ADDR: place.masterAddr,
    MASTER_PORT: String(place.masterPort),
    [DEVICE_ENV_VAR]: String(place.localRank),
  };
}
