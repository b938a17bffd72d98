// NCCL (libnccl.so.2) through koffi, declared from nccl.h (NCCL 2.x). Conventions as in backend-cuda's
// driver API (../shared/design/cuda-ffi-findings.md): handles (ncclComm_t, cudaStream_t) are BigInt,
// device pointers plain Numbers declared uint64_t, out-parameters one-element arrays. ncclUniqueId
// (a struct of 128 bytes) is passed by value, as ncclCommInitRank takes it.
import type * as KoffiModule from 'koffi';

export type Koffi = typeof KoffiModule;
export type KoffiLibrary = ReturnType<Koffi['load']>;
/** An opaque handle as koffi returns it. */
export type Handle = bigint;

/** NCCL_UNIQUE_ID_BYTES. */
export const NCCL_UNIQUE_ID_BYTES = 128;

/** ncclResult_t. */
export const NCCL_RESULT = {
  ncclSuccess: 0,
  ncclUnhandledCudaError: 1,
  ncclSystemError: 2,
  ncclInternalError: 3,
  ncclInvalidArgument: 4,
  ncclInvalidUsage: 5,
  ncclRemoteError: 6,
  ncclInProgress: 7,
} as const;

/** ncclDataType_t: the one we move. */
export const NCCL_FLOAT32 = 7;

/** ncclRedOp_t for our ReduceOp names (ncclAvg needs NCCL >= 2.10). */
export const NCCL_REDUCE_OPS = { sum: 0, max: 2, min: 3, avg: 4 } as const;

export interface NcclApi {
  ncclGetVersion(version: [number]): number;
  /** Writes the 128-byte id into `id`. */
  ncclGetUniqueId(id: Uint8Array): number;
  ncclCommInitRank(comm: [Handle | null], nranks: number, id: { internal: Uint8Array }, rank: number): number;
  ncclCommDestroy(comm: Handle): number;
  ncclCommAbort(comm: Handle): number;
  ncclCommGetAsyncError(comm: Handle, result: [number]): number;
  ncclCommCount(comm: Handle, count: [number]): number;
  ncclCommCuDevice(comm: Handle, device: [number]): number;
  ncclCommUserRank(comm: Handle, rank: [number]): number;
  ncclGetErrorString(result: number): string;
  /** NCCL >= 2.13; null on older libraries. */
  ncclGetLastError: ((comm: Handle | null) => string) | null;
  ncclAllReduce(
    send: number,
    recv: number,
    count: number,
    dtype: number,
    op: number,
    comm: Handle,
    stream: Handle,
  ): number;
  ncclReduceScatter(
    send: number,
    recv: number,
    recvCount: number,
    dtype: number,
    op: number,
    comm: Handle,
    stream: Handle,
  ): number;
  ncclAllGather(
    send: number,
    recv: number,
    sendCount: number,
    dtype: number,
    comm: Handle,
    stream: Handle,
  ): number;
  ncclBroadcast(
    send: number,
    recv: number,
    count: number,
    dtype: number,
    root: number,
    comm: Handle,
    stream: Handle,
  ): number;
  ncclGroupStart(): number;
  ncclGroupEnd(): number;
}

let uniqueIdType: unknown = null;

/** Declares every function NcclApi lists from an opened libnccl. */
export function bindNcclApi(koffi: Koffi, lib: KoffiLibrary): NcclApi {
  uniqueIdType ??= koffi.struct('ncclUniqueId', {
    internal: koffi.array('uint8_t', NCCL_UNIQUE_ID_BYTES, 'Typed'),
  });
  const fn = (prototype: string) => lib.func(prototype) as never;
  let lastError: NcclApi['ncclGetLastError'] = null;
  try {
    lastError = fn('const char *ncclGetLastError(void *comm)');
  } catch {
    // Older NCCL: errors are named by ncclGetErrorString only.
  }
  return {
    ncclGetVersion: fn('int ncclGetVersion(_Out_ int *version)'),
    ncclGetUniqueId: fn('int ncclGetUniqueId(void *uniqueId)'),
    ncclCommInitRank: fn(
      'int ncclCommInitRank(_Out_ void **comm, int nranks, ncclUniqueId commId, int rank)',
    ),
    ncclCommDestroy: fn('int ncclCommDestroy(void *comm)'),
    ncclCommAbort: fn('int ncclCommAbort(void *comm)'),
    ncclCommGetAsyncError: fn('int ncclCommGetAsyncError(void *comm, _Out_ int *asyncError)'),
    ncclCommCount: fn('int ncclCommCount(void *comm, _Out_ int *count)'),
    ncclCommCuDevice: fn('int ncclCommCuDevice(void *comm, _Out_ int *device)'),
    ncclCommUserRank: fn('int ncclCommUserRank(void *comm, _Out_ int *rank)'),
    ncclGetErrorString: fn('const char *ncclGetErrorString(int result)'),
    ncclGetLastError: lastError,
    ncclAllReduce: fn(
      'int ncclAllReduce(uint64_t sendbuff, uint64_t recvbuff, size_t count, int datatype, int op, void *comm, void *stream)',
    ),
    ncclReduceScatter: fn(
      'int ncclReduceScatter(uint64_t sendbuff, uint64_t recvbuff, size_t recvcount, int datatype, int op, void *comm, void *stream)',
    ),
    ncclAllGather: fn(
      'int ncclAllGather(uint64_t sendbuff, uint64_t recvbuff, size_t sendcount, int datatype, void *comm, void *stream)',
    ),
    ncclBroadcast: fn(
      'int ncclBroadcast(uint64_t sendbuff, uint64_t recvbuff, size_t count, int datatype, int root, void *comm, void *stream)',
    ),
    ncclGroupStart: fn('int ncclGroupStart()'),
    ncclGroupEnd: fn('int ncclGroupEnd()'),
  };
}

/** "2.21.5" from ncclGetVersion's 22105 (or 2708 before 2.9: major*1000 + minor*100 + patch). */
export function formatNcclVersion(code: number): string {
  if (code >= 10000) return `${Math.floor(code / 10000)}.${Math.floor(code / 100) % 100}.${code % 100}`;
  return `${Math.floor(code / 1000)}.${Math.floor(code / 100) % 10}.${code % 100}`;
}
