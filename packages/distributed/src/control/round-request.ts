import type { ReduceOp } from '../reduce-op.js';

/** The collectives the control channel runs, each one round through rank 0. */
export type RoundKind = 'allReduce' | 'reduceScatter' | 'allGather' | 'broadcast' | 'gather';

/** Element types of a round's data: float32, float64, or bytes (objects as JSON). */
export type RoundDtype = 'f32' | 'f64' | 'bytes';

/** What one rank asks of a round; every rank must ask the same. */
export interface RoundRequest {
  kind: RoundKind;
  dtype: RoundDtype;
  op?: ReduceOp;
  /** broadcast's source rank. */
  root?: number;
  /** What the caller called it (allReduceNumbers, barrier ...), for errors; not compared. */
  label?: string;
}

const DTYPE_NAMES: Record<RoundDtype, string> = { f32: 'float32', f64: 'float64', bytes: 'bytes' };
const ELEMENT_BYTES: Record<RoundDtype, number> = { f32: 4, f64: 8, bytes: 1 };

export function elementBytes(dtype: RoundDtype): number {
  return ELEMENT_BYTES[dtype];
}

/** "barrier: allReduce(sum) of 0 float32", for errors. */
export function describeRequest(request: RoundRequest, byteLength?: number): string {
  const args = [request.op, request.root === undefined ? undefined : `root ${request.root}`].filter(Boolean);
  const kind = args.length > 0 ? `${request.kind}(${args.join(', ')})` : request.kind;
  const what = request.label && request.label !== request.kind ? `${request.label}: ${kind}` : kind;
  if (byteLength === undefined) return `${what} of ${DTYPE_NAMES[request.dtype]}`;
  return `${what} of ${byteLength / ELEMENT_BYTES[request.dtype]} ${DTYPE_NAMES[request.dtype]}`;
}

export function sameRequest(a: RoundRequest, b: RoundRequest): boolean {
  return a.kind === b.kind && a.dtype === b.dtype && a.op === b.op && a.root === b.root;
}
