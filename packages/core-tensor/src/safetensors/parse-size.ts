const UNITS: Record<string, number> = {
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KIB: 2 ** 10,
  MIB: 2 ** 20,
  GIB: 2 ** 30,
  TIB: 2 ** 40,
};

/**
 * A byte count from a number or a string like "5GB", "500MB", "1.5GiB" or "2000". As in
 * huggingface_hub, KB/MB/GB/TB are powers of 10 (GB = 10^9) and fractions are truncated; the binary
 * units KiB..TiB are powers of 2 (transformers also accepts them).
 */
export function parseSize(size: number | string): number {
  if (typeof size === 'number') {
    if (!Number.isSafeInteger(size) || size < 0)
      throw new RangeError(`size ${size} is not a non-negative integer of bytes`);
    return size;
  }
  const m = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*([KMGT]i?B|B)?\s*$/i.exec(size);
  if (m === null) {
    throw new RangeError(
      `cannot read size ${JSON.stringify(size)}; expected bytes or a number with KB, MB, GB, TB (10^3..) or KiB..TiB`,
    );
  }
  const unit = m[2]?.toUpperCase();
  const multiplier = unit === undefined || unit === 'B' ? 1 : UNITS[unit]!;
  return Math.trunc(Number(m[1]) * multiplier);
}
