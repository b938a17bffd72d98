/**
 * The serving benchmark's prompts (bench/gpu/gpu-serve.ts; bench/torch/gpu_serve_torch.py makes the same ids):
 * `count` rows of `length` ids in [0, below), id j of row r = (1103515245 * (r * length + j + 1) +
 * 12345) mod 2^31 mod below. All rows have one length, so HF generate needs no padding.
 */
export function promptIds(count: number, length: number, below: number): number[][] {
  return Array.from({ length: count }, (_, r) =>
    Array.from({ length }, (_, j) => ((1103515245 * (r * length + j + 1) + 12345) % 2 ** 31) % below),
  );
}
