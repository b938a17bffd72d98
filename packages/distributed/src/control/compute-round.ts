import { DistributedError } from '../distributed-error.js';
import { reduceInto } from '../reduce-op.js';
import { describeRequest, elementBytes, type RoundRequest } from './round-request.js';

/**
 * What rank 0 sends back to each rank once every rank's contribution to a round is in (`inputs[r]` is
 * rank r's). Reductions take the ranks in order, so all ranks receive the same bits. Throws a
 * DistributedError naming the ranks whose contributions do not fit together.
 */
export function computeRound(
  request: RoundRequest,
  inputs: readonly Uint8Array[],
  operation: string,
): Uint8Array[] {
  const world = inputs.length;
  switch (request.kind) {
    case 'allReduce': {
      const reduced = reduce(request, inputs, operation);
      return inputs.map(() => reduced);
    }
    case 'reduceScatter': {
      const reduced = reduce(request, inputs, operation);
      const chunk = reduced.byteLength / world;
      if (!Number.isInteger(chunk / elementBytes(request.dtype))) {
        throw new DistributedError(
          `${operation}: ${describeRequest(request, reduced.byteLength)} does not split into ${world} equal parts`,
          operation,
        );
      }
      return inputs.map((_, r) => reduced.subarray(r * chunk, (r + 1) * chunk));
    }
    case 'allGather': {
      equalLengths(request, inputs, operation);
      const all = concat(inputs);
      return inputs.map(() => all);
    }
    case 'gather': {
      // Variable lengths: [u32 count][u32 length per rank][bytes of rank 0, 1, ...].
      const head = new Uint8Array(4 * (world + 1));
      const view = new DataView(head.buffer);
      view.setUint32(0, world, true);
      inputs.forEach((x, r) => view.setUint32(4 * (r + 1), x.byteLength, true));
      const all = concat([head, ...inputs]);
      return inputs.map(() => all);
    }
    case 'broadcast': {
      const root = request.root ?? 0;
      if (!(Number.isInteger(root) && root >= 0 && root < world))
        throw new DistributedError(
          `${operation}: root ${root} is not a rank (world size ${world})`,
          operation,
        );
      return inputs.map(() => inputs[root]!);
    }
  }
}

/** Splits a 'gather' result back into the ranks' byte strings. */
export function splitGather(result: Uint8Array): Uint8Array[] {
  const view = new DataView(result.buffer, result.byteOffset, result.byteLength);
  const world = view.getUint32(0, true);
  const parts: Uint8Array[] = [];
  let at = 4 * (world + 1);
  for (let r = 0; r < world; r++) {
    const n = view.getUint32(4 * (r + 1), true);
    parts.push(result.subarray(at, at + n));
    at += n;
  }
  return parts;
}

function reduce(request: RoundRequest, inputs: readonly Uint8Array[], operation: string): Uint8Array {
  equalLengths(request, inputs, operation);
  const op = request.op ?? 'sum';
  if (request.dtype === 'bytes') throw new DistributedError(`${operation}: cannot reduce bytes`, operation);
  const n = inputs[0]!.byteLength / elementBytes(request.dtype);
  const Type = request.dtype === 'f32' ? Float32Array : Float64Array;
  const out = new Type(n);
  reduceInto(
    out,
    inputs.map((x) => typed(Type, x, n)),
    op,
  );
  return new Uint8Array(out.buffer);
}

function typed(
  Type: Float32ArrayConstructor | Float64ArrayConstructor,
  bytes: Uint8Array,
  n: number,
): Float32Array | Float64Array {
  if (bytes.byteOffset % Type.BYTES_PER_ELEMENT === 0)
    return new Type(bytes.buffer as ArrayBuffer, bytes.byteOffset, n);
  return new Type(bytes.slice().buffer, 0, n); // unaligned: copy once
}

function equalLengths(request: RoundRequest, inputs: readonly Uint8Array[], operation: string): void {
  const first = inputs[0]!.byteLength;
  const odd = inputs.findIndex((x) => x.byteLength !== first);
  if (odd > 0) {
    throw new DistributedError(
      `${operation}: the ranks passed different sizes: rank 0 ${describeRequest(request, first)}, ` +
        `rank ${odd} ${describeRequest(request, inputs[odd]!.byteLength)}`,
      operation,
      odd,
    );
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
