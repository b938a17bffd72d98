/**
 * A failure of the process group: a rank that died, never joined or timed out, a collective the ranks
 * called differently, an NCCL error. The message names the rank and the operation; `rank` is the rank
 * at fault when one is known, `operation` the collective or step that failed (e.g. "allReduce #12").
 */
export class DistributedError extends Error {
  constructor(
    message: string,
    readonly operation: string,
    /** The rank at fault, when known. */
    readonly rank?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DistributedError';
  }
}
