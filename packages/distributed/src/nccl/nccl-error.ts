import { DistributedError } from '../distributed-error.js';
import { NCCL_RESULT } from './nccl-api.js';

const RESULT_NAMES = Object.fromEntries(Object.entries(NCCL_RESULT).map(([name, code]) => [code, name]));

/** A failed NCCL call, naming the call, the collective it served, this rank and NCCL's reason. */
export class NcclError extends DistributedError {
  constructor(
    /** ncclResult_t. */
    readonly status: number,
    /** e.g. ncclAllReduce. */
    readonly call: string,
    operation: string,
    rank: number,
    /** ncclGetErrorString (and ncclGetLastError's detail when there is one). */
    description: string,
  ) {
    const name = RESULT_NAMES[status] ?? `ncclResult ${status}`;
    super(
      `${call} failed on rank ${rank} during ${operation}: ${name} [${status}]${description ? ` (${description})` : ''}`,
      operation,
      rank,
    );
    this.name = 'NcclError';
  }
}

/** The reason NCCL gives for `status`, with its last error's detail when the library has one. */
export type DescribeNcclStatus = (status: number) => string;

/** The one gate every NCCL call goes through: returns on ncclSuccess, else throws NcclError. */
export function checkNccl(
  status: number,
  call: string,
  operation: string,
  rank: number,
  describe: DescribeNcclStatus,
): void {
  if (status === NCCL_RESULT.ncclSuccess) return;
  let description = '';
  try {
    description = describe(status);
  } catch {
    // Naming the error must never hide it.
  }
  throw new NcclError(status, call, operation, rank, description);
}
