// Collectives on host typed arrays over the control channel, split into rounds of at most `chunk`
// elements so rank 0 never holds more than worldSize rounds' worth of a large tensor.
import { DistributedError } from '../distributed-error.js';
import type { ReduceOp } from '../reduce-op.js';
import type { ControlChannel } from './control-channel.js';

/** Elements per round: 16 Mi float32 (64 MiB). */
export const DEFAULT_CHUNK_ELEMENTS = 16 * 1024 * 1024;

const bytesOf = (x: Float32Array | Float64Array) => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);

export async function allReduceHost(
  channel: ControlChannel,
  values: Float32Array | Float64Array,
  op: ReduceOp,
  chunk = DEFAULT_CHUNK_ELEMENTS,
): Promise<void> {
  const dtype = values instanceof Float32Array ? 'f32' : 'f64';
  for (let at = 0; at < values.length || at === 0; at += chunk) {
    const part = values.subarray(at, at + chunk);
    const result = await channel.exchange({ kind: 'allReduce', dtype, op }, bytesOf(part), 'allReduce');
    copyInto(part, result);
    if (values.length === 0) break;
  }
}

/** This rank's `input.length / worldSize` elements of the reduction. */
export async function reduceScatterHost(
  channel: ControlChannel,
  input: Float32Array,
  op: ReduceOp,
  chunk = DEFAULT_CHUNK_ELEMENTS,
): Promise<Float32Array> {
  const world = channel.worldSize;
  const share = input.length / world;
  const out = new Float32Array(share);
  const step = Math.max(1, Math.floor(chunk / world));
  for (let at = 0; at < share || at === 0; at += step) {
    const n = Math.min(step, share - at);
    // Round input: piece [at, at + n) of every rank's share, in rank order.
    const piece = new Float32Array(n * world);
    for (let r = 0; r < world; r++) piece.set(input.subarray(r * share + at, r * share + at + n), r * n);
    const result = await channel.exchange(
      { kind: 'reduceScatter', dtype: 'f32', op },
      bytesOf(piece),
      'reduceScatter',
    );
    copyInto(out.subarray(at, at + n), result);
    if (share === 0) break;
  }
  return out;
}

/** Every rank's `input` concatenated in rank order (equal lengths). */
export async function allGatherHost(
  channel: ControlChannel,
  input: Float32Array,
  chunk = DEFAULT_CHUNK_ELEMENTS,
): Promise<Float32Array> {
  const world = channel.worldSize;
  const n = input.length;
  const out = new Float32Array(n * world);
  const step = Math.max(1, Math.floor(chunk / world));
  for (let at = 0; at < n || at === 0; at += step) {
    const m = Math.min(step, n - at);
    const result = await channel.exchange(
      { kind: 'allGather', dtype: 'f32' },
      bytesOf(input.subarray(at, at + m)),
      'allGather',
    );
    const all = asFloat32(result);
    for (let r = 0; r < world; r++) out.set(all.subarray(r * m, (r + 1) * m), r * n + at);
    if (n === 0) break;
  }
  return out;
}

/** Overwrites `values` with rank `root`'s on every other rank. */
export async function broadcastHost(
  channel: ControlChannel,
  values: Float32Array,
  root: number,
  chunk = DEFAULT_CHUNK_ELEMENTS,
): Promise<void> {
  for (let at = 0; at < values.length || at === 0; at += chunk) {
    const part = values.subarray(at, at + chunk);
    const mine = channel.rank === root ? bytesOf(part) : new Uint8Array(0);
    const result = await channel.exchange({ kind: 'broadcast', dtype: 'f32', root }, mine, 'broadcast');
    if (result.byteLength !== part.byteLength) {
      throw new DistributedError(
        `broadcast: rank ${root} sent ${result.byteLength / 4} float32, rank ${channel.rank} expected ${part.length}`,
        'broadcast',
        root,
      );
    }
    if (channel.rank !== root) copyInto(part, result);
    if (values.length === 0) break;
  }
}

function copyInto(target: Float32Array | Float64Array, bytes: Uint8Array): void {
  new Uint8Array(target.buffer, target.byteOffset, target.byteLength).set(
    bytes.subarray(0, target.byteLength),
  );
}

function asFloat32(bytes: Uint8Array): Float32Array {
  if (bytes.byteOffset % 4 === 0)
    return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return new Float32Array(bytes.slice().buffer);
}
