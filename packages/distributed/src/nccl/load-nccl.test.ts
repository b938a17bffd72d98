import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { initProcessGroup } from '../init-process-group.js';
import { LIBNCCL_ENV, loadNccl, resetNcclForTests } from './load-nccl.js';
import { NCCL_FLOAT32, NCCL_REDUCE_OPS } from './nccl-api.js';
import { checkNccl } from './nccl-error.js';

/** A C compiler to build the stub library with, if this machine has one. */
function compiler(): string | null {
  for (const cc of ['cc', 'gcc', 'clang']) {
    try {
      execFileSync(cc, ['--version'], { stdio: 'ignore' });
      return cc;
    } catch {
      // try the next one
    }
  }
  return null;
}
const cc = compiler();

afterEach(() => resetNcclForTests());

describe('loadNccl', () => {
  it('says why NCCL is not available when libnccl is missing, and initProcessGroup reports it', async () => {
    const env = { [LIBNCCL_ENV]: '/nonexistent/libnccl.so.2' };
    const result = await loadNccl(env);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(
      /^libnccl.so.2 could not be loaded \(install NCCL, .* or set MEDGPT_LIBNCCL to its full path\); tried \/nonexistent\/libnccl.so.2: /,
    );
    await expect(initProcessGroup({ env, backend: 'nccl' })).rejects.toThrow(
      /^NCCL not available: libnccl.so.2 could not be loaded/,
    );
  });

  it.skipIf(cc === null)(
    'binds NCCL’s C ABI through koffi (a stub libnccl built here: one rank, host memory)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'medgpt-nccl-stub-'));
      const lib = join(dir, 'libnccl-stub.so');
      execFileSync(cc!, [
        '-shared',
        '-fPIC',
        '-O1',
        '-o',
        lib,
        new URL('./testdata/nccl-stub.c', import.meta.url).pathname,
      ]);
      const result = await loadNccl({ [LIBNCCL_ENV]: lib });
      if (!result.ok) throw new Error(result.reason);
      const { api, koffi, version, path } = result.nccl;
      expect([version, path]).toEqual(['2.21.5', lib]);

      // The unique id goes out through a pointer and back in by value (ncclCommInitRank checks its bytes).
      const id = new Uint8Array(128);
      expect(api.ncclGetUniqueId(id)).toBe(0);
      expect(id[1]).toBe(10);
      const comm: [bigint | null] = [null];
      expect(api.ncclCommInitRank(comm, 1, { internal: id }, 0)).toBe(0);
      const count: [number] = [0];
      api.ncclCommCount(comm[0]!, count);
      expect(count[0]).toBe(1);

      // Device pointers are uint64_t Numbers; here they are host addresses.
      const send = new Float32Array([1, 2, 3, 4]);
      const recv = new Float32Array(4);
      const address = (a: Float32Array) => Number(koffi.address(a));
      const status = api.ncclAllReduce(
        address(send),
        address(recv),
        4,
        NCCL_FLOAT32,
        NCCL_REDUCE_OPS.avg,
        comm[0]!,
        0n,
      );
      expect(status).toBe(0);
      expect(Array.from(recv)).toEqual([1, 2, 3, 4]);

      // An error names the call, the collective, the rank and NCCL's reasons.
      const bad = api.ncclAllGather(address(send), address(recv), 4, 8, comm[0]!, 0n);
      expect(() =>
        checkNccl(
          bad,
          'ncclAllGather',
          'allGather #3 (NCCL)',
          0,
          (s) => `${api.ncclGetErrorString(s)}: ${api.ncclGetLastError!(comm[0]!)}`,
        ),
      ).toThrow(
        'ncclAllGather failed on rank 0 during allGather #3 (NCCL): ncclInvalidArgument [4] (invalid argument (run with NCCL_DEBUG=WARN for details): stub: only float32 (7) is supported)',
      );
      expect(api.ncclCommDestroy(comm[0]!)).toBe(0);
    },
  );
});
