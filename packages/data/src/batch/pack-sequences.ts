import type { LabeledSequence } from './token-batch.js';

/** Several samples laid end to end in one row, with what keeps them apart. */
export interface PackedSequence {
  readonly inputIds: Int32Array;
  /**
   * The samples' labels, except the first label of every sample, set to the ignore index: a causal LM
   * predicts token t+1 at t, so the first token of a sample would otherwise be learned from the
   * previous sample (unpacked, it is never a target).
   */
  readonly labels: Int32Array;
  /** Restart at 0 for every sample. */
  readonly positionIds: Int32Array;
  /** 1, 2, ... per sample. */
  readonly segmentIds: Int32Array;
  /** Indices (into the input list) of the packed samples, in row order. */
  readonly members: number[];
}

export interface PackOptions {
  /** Longest packed row (e.g. model_max_length). */
  readonly maxLength: number;
  /**
   * `bfd` (default): best-fit decreasing, the fullest rows (trl's default); `sequential`: in input
   * order, a new row whenever the next sample does not fit.
   */
  readonly strategy?: 'bfd' | 'sequential';
  /** Label that takes no loss (default -100). */
  readonly ignoreIndex?: number;
}

/**
 * Packs SFT samples into rows of at most `maxLength` tokens without cross-contamination: every sample
 * keeps its own positions (restarting at 0) and segment id, for attention that is causal within a
 * segment and blocked across segments. With such attention, a packed row's token losses equal the
 * unpacked samples' token losses.
 */
export function packSequences(samples: readonly LabeledSequence[], options: PackOptions): PackedSequence[] {
  const { maxLength } = options;
  if (!Number.isInteger(maxLength) || maxLength < 1)
    throw new RangeError(`maxLength must be a positive integer, got ${maxLength}`);
  for (const [i, sample] of samples.entries()) {
    if (sample.inputIds.length > maxLength) {
      throw new RangeError(
        `sample ${i} has ${sample.inputIds.length} tokens, more than maxLength ${maxLength}`,
      );
    }
    if (sample.labels.length !== sample.inputIds.length) {
      throw new RangeError(
        `sample ${i} has ${sample.inputIds.length} input ids but ${sample.labels.length} labels`,
      );
    }
  }
  const bins =
    (options.strategy ?? 'bfd') === 'bfd'
      ? bestFitDecreasing(samples, maxLength)
      : sequential(samples, maxLength);
  return bins.map((members) => layOut(samples, members, options.ignoreIndex ?? -100));
}

function sequential(samples: readonly LabeledSequence[], maxLength: number): number[][] {
  const bins: number[][] = [];
  let used = maxLength + 1;
  for (const [i, sample] of samples.entries()) {
    const n = sample.inputIds.length;
    if (used + n > maxLength) {
      bins.push([]);
      used = 0;
    }
    bins[bins.length - 1]!.push(i);
    used += n;
  }
  return bins;
}

/** Longest first, each into the open row with the least room that still fits it. */
function bestFitDecreasing(samples: readonly LabeledSequence[], maxLength: number): number[][] {
  const order = samples
    .map((_, i) => i)
    .sort((a, b) => samples[b]!.inputIds.length - samples[a]!.inputIds.length);
  const free = new CapacityIndex(maxLength);
  const bins: number[][] = [];
  const binsWithRoom: number[][] = Array.from({ length: maxLength + 1 }, () => []);
  for (const i of order) {
    const n = samples[i]!.inputIds.length;
    const room = free.smallestAtLeast(n);
    let bin: number;
    if (room === undefined) {
      bin = bins.push([]) - 1;
      binsWithRoom[maxLength]!.push(bin);
      free.add(maxLength, 1);
      bins[bin]!.push(i);
      moveBin(binsWithRoom, free, bin, maxLength, maxLength - n);
    } else {
      bin = binsWithRoom[room]![binsWithRoom[room]!.length - 1]!;
      bins[bin]!.push(i);
      moveBin(binsWithRoom, free, bin, room, room - n);
    }
  }
  return bins;
}

function moveBin(binsWithRoom: number[][], free: CapacityIndex, bin: number, from: number, to: number): void {
  const list = binsWithRoom[from]!;
  list.splice(list.lastIndexOf(bin), 1);
  free.add(from, -1);
  binsWithRoom[to]!.push(bin);
  free.add(to, 1);
}

/** Counts of rows by free room, answering "the smallest room >= n" in O(log maxLength). */
class CapacityIndex {
  private readonly size: number;
  private readonly tree: Int32Array;

  constructor(maxLength: number) {
    this.size = 1 << Math.ceil(Math.log2(maxLength + 1));
    this.tree = new Int32Array(2 * this.size);
  }

  add(room: number, delta: number): void {
    for (let node = room + this.size; node >= 1; node >>= 1) this.tree[node]! += delta;
  }

  smallestAtLeast(n: number): number | undefined {
    return this.search(1, 0, this.size - 1, n);
  }

  private search(node: number, lo: number, hi: number, n: number): number | undefined {
    if (hi < n || this.tree[node] === 0) return undefined;
    if (lo === hi) return lo;
    const mid = (lo + hi) >> 1;
    return this.search(2 * node, lo, mid, n) ?? this.search(2 * node + 1, mid + 1, hi, n);
  }
}

function layOut(samples: readonly LabeledSequence[], members: number[], ignoreIndex: number): PackedSequence {
  const total = members.reduce((sum, i) => sum + samples[i]!.inputIds.length, 0);
  const inputIds = new Int32Array(total);
  const labels = new Int32Array(total);
  const positionIds = new Int32Array(total);
  const segmentIds = new Int32Array(total);
  let offset = 0;
  for (const [segment, i] of members.entries()) {
    const sample = samples[i]!;
    for (let t = 0; t < sample.inputIds.length; t++) {
      inputIds[offset + t] = sample.inputIds[t]!;
      labels[offset + t] = t === 0 ? ignoreIndex : sample.labels[t]!;
      positionIds[offset + t] = t;
      segmentIds[offset + t] = segment + 1;
    }
    offset += sample.inputIds.length;
  }
  return { inputIds, labels, positionIds, segmentIds, members };
}
