/** The part of one parameter that falls in a rank's shard of the flattened parameters. */
export interface ShardSegment {
  /** Index of the parameter in the list partitioned. */
  param: number;
  /** First element of the parameter (flattened) in this segment. */
  paramOffset: number;
  /** Where the segment starts in the rank's shard. */
  shardOffset: number;
  length: number;
}

/** ZeRO's layout: every parameter flattened and concatenated, padded, cut into equal shards. */
export interface FlatPartition {
  /** Elements of all parameters. */
  total: number;
  /** `total` rounded up to a multiple of the world size (the padding is zeros). */
  padded: number;
  /** Elements per rank: padded / worldSize. */
  shardSize: number;
  /** Where each parameter starts in the flat vector. */
  offsets: number[];
  /** Per rank, the segments its shard holds, in flat order. */
  shards: ShardSegment[][];
}

/**
 * Partitions parameters of `sizes` elements across `worldSize` ranks as ZeRO stage 1 does: one flat
 * vector, equal contiguous shards (a parameter may straddle two ranks).
 */
export function partitionFlat(sizes: readonly number[], worldSize: number): FlatPartition {
  if (!(Number.isSafeInteger(worldSize) && worldSize >= 1))
    throw new RangeError(`partitionFlat: world size ${worldSize} is not an integer >= 1`);
  const offsets: number[] = [];
  let total = 0;
  for (const [i, size] of sizes.entries()) {
    if (!(Number.isSafeInteger(size) && size >= 0))
      throw new RangeError(`partitionFlat: parameter ${i} has ${size} elements`);
    offsets.push(total);
    total += size;
  }
  const shardSize = Math.ceil(total / worldSize);
  const shards: ShardSegment[][] = [];
  for (let r = 0; r < worldSize; r++) {
    const lo = r * shardSize;
    const hi = Math.min(lo + shardSize, total);
    const segments: ShardSegment[] = [];
    sizes.forEach((size, param) => {
      const start = Math.max(lo, offsets[param]!);
      const end = Math.min(hi, offsets[param]! + size);
      if (end > start)
        segments.push({
          param,
          paramOffset: start - offsets[param]!,
          shardOffset: start - lo,
          length: end - start,
        });
    });
    shards.push(segments);
  }
  return { total, padded: shardSize * worldSize, shardSize, offsets, shards };
}
