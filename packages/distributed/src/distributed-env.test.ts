import { describe, expect, it } from 'vitest';
import { readDistributedEnv } from './distributed-env.js';

describe('readDistributedEnv', () => {
  it('is null outside a multi-process run', () => {
    expect(readDistributedEnv({})).toBeNull();
  });

  it("reads torchrun's variables", () => {
    const env = {
      RANK: '3',
      LOCAL_RANK: '1',
      WORLD_SIZE: '4',
      LOCAL_WORLD_SIZE: '2',
      GROUP_RANK: '1',
      MASTER_ADDR: '10.0.0.1',
      MASTER_PORT: '14545',
    };
    expect(readDistributedEnv(env)).toEqual({
      rank: 3,
      localRank: 1,
      worldSize: 4,
      localWorldSize: 2,
      nodeRank: 1,
      masterAddr: '10.0.0.1',
      masterPort: 14545,
    });
  });

  it('names the variable that is missing or malformed', () => {
    const base = { WORLD_SIZE: '2', MASTER_ADDR: 'localhost', MASTER_PORT: '29500' };
    expect(() => readDistributedEnv(base)).toThrow(
      'RANK is not set; torchrun and medgpt launch set it for every process (WORLD_SIZE is 2)',
    );
    expect(() => readDistributedEnv({ ...base, RANK: '2' })).toThrow('RANK=2: expected an integer in [0, 1]');
    expect(() => readDistributedEnv({ ...base, RANK: '0', MASTER_PORT: 'x' })).toThrow(
      'MASTER_PORT=x: expected an integer in [1, 65535]',
    );
    expect(() => readDistributedEnv({ WORLD_SIZE: '2', RANK: '1' })).toThrow(/MASTER_ADDR is not set/);
  });
});
