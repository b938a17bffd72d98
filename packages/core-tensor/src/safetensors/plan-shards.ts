/** A tensor's name and its size on disk, in the order the checkpoint lists it. */
export interface ShardItem {
  name: string;
  byteLength: number;
}

/**
 * Splits tensors into shards of at most `maxShardSize` bytes, exactly as huggingface_hub's
 * `split_state_dict_into_shards_factory` does: greedily in the given order, starting a new shard
 * when the next tensor would tip the current one over the limit; a tensor bigger than the limit
 * gets a shard of its own, placed before the shard being filled.
 */
export function planShards(items: readonly ShardItem[], maxShardSize: number): string[][] {
  const shards: string[][] = [];
  let current: string[] = [];
  let currentSize = 0;
  for (const { name, byteLength } of items) {
    if (byteLength > maxShardSize) {
      shards.push([name]);
      continue;
    }
    if (currentSize + byteLength > maxShardSize) {
      shards.push(current);
      current = [];
      currentSize = 0;
    }
    current.push(name);
    currentSize += byteLength;
  }
  if (current.length > 0) shards.push(current);
  return shards;
}
