// Maps Philox words to samples. Element i of a draw uses word i of the stream (block offset +
// floor(i / 4), lane i % 4), computes in float64 and rounds once to float32, so a device kernel that
// follows the same recipe gives the same values.
import { normalCdf, normalQuantile } from './normal-cdf.js';
import { philoxWords } from './philox.js';

const TWO_POW_32 = 0x100000000;

/** The distributions a Philox draw can produce, with their parameters. */
export type Distribution =
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'normal'; mean: number; std: number }
  | { kind: 'truncated_normal'; mean: number; std: number; a: number; b: number };

/** Philox blocks (4 words each) that a draw of `n` elements consumes. */
export function blocksFor(n: number): number {
  return Math.ceil(n / 4);
}

/** Throws naming the first parameter of `dist` that is out of range. */
export function checkDistribution(dist: Distribution): void {
  const bad = (option: string, value: number, expected: string): never => {
    throw new RangeError(`${dist.kind}: option '${option}' is ${value}; expected ${expected}`);
  };
  switch (dist.kind) {
    case 'uniform':
      if (!Number.isFinite(dist.low)) bad('low', dist.low, 'a finite number');
      if (!(Number.isFinite(dist.high) && dist.high >= dist.low))
        bad('high', dist.high, `a finite number >= low (${dist.low})`);
      break;
    case 'normal':
    case 'truncated_normal':
      if (!Number.isFinite(dist.mean)) bad('mean', dist.mean, 'a finite number');
      if (!(Number.isFinite(dist.std) && dist.std > 0)) bad('std', dist.std, 'a finite number > 0');
      if (dist.kind === 'truncated_normal' && !(dist.a < dist.b))
        bad('b', dist.b, `a bound greater than a (${dist.a})`);
      break;
    default:
      throw new RangeError(
        `unknown distribution '${(dist as { kind: string }).kind}'; expected uniform, normal or truncated_normal`,
      );
  }
}

/** `n` samples of `dist` from the stream of key (k0, k1), starting at block `offset`. */
export function sample(k0: number, k1: number, offset: number, n: number, dist: Distribution): Float32Array {
  checkDistribution(dist);
  const words = new Uint32Array(blocksFor(n) * 4);
  philoxWords(k0, k1, offset, words);
  const out = new Float32Array(n);
  switch (dist.kind) {
    case 'uniform':
      fillUniform(words, out, dist.low, dist.high);
      break;
    case 'normal':
      fillNormal(words, out, dist.mean, dist.std);
      break;
    case 'truncated_normal':
      fillTruncatedNormal(words, out, dist);
      break;
  }
  return out;
}

/** A word as a uniform in [0, 1) with 32 bits of resolution. */
export function wordToUnit(w: number): number {
  return w / TWO_POW_32;
}

function fillUniform(words: Uint32Array, out: Float32Array, low: number, high: number): void {
  const span = high - low;
  for (let i = 0; i < out.length; i++) out[i] = low + span * wordToUnit(words[i]!);
}

// Box-Muller on word pairs (0,1) and (2,3) of each block: even lanes take the cosine, odd the sine.
function fillNormal(words: Uint32Array, out: Float32Array, mean: number, std: number): void {
  for (let i = 0; i < out.length; i += 2) {
    const u1 = (words[i]! + 1) / TWO_POW_32; // (0, 1]: log(u1) is finite
    const theta = 2 * Math.PI * wordToUnit(words[i + 1]!);
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = mean + std * r * Math.cos(theta);
    if (i + 1 < out.length) out[i + 1] = mean + std * r * Math.sin(theta);
  }
}

// Inverse CDF, as torch.nn.init.trunc_normal_: a uniform between the CDF values of the bounds mapped
// through the normal quantile; a and b are absolute bounds, not multiples of std.
function fillTruncatedNormal(
  words: Uint32Array,
  out: Float32Array,
  { mean, std, a, b }: { mean: number; std: number; a: number; b: number },
): void {
  const lo = normalCdf((a - mean) / std);
  const hi = normalCdf((b - mean) / std);
  for (let i = 0; i < out.length; i++) {
    const u = (words[i]! + 0.5) / TWO_POW_32; // (0, 1): the quantile stays finite
    const x = mean + std * normalQuantile(lo + u * (hi - lo));
    out[i] = Math.min(b, Math.max(a, x));
  }
}
