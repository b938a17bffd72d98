// The synthetic DPO batch of the GPU DPO benchmark (bench/gpu/gpu-dpo.ts). bench/torch/gpu_dpo_torch.py builds
// the same pairs with the same arithmetic (its `synthetic_pairs`): keep the two in step. Both print
// `batchSummary` (`--dump-batch`), so the two can be compared without a GPU.

/** One preference pair: prompt ids, chosen and rejected answer ids. */
export interface SyntheticPair {
  promptIds: number[];
  chosenIds: number[];
  rejectedIds: number[];
}

/**
 * Park-Miller's minimal standard generator (s <- s * 48271 mod 2^31 - 1): exact in float64 and in
 * Python integers, so both programs draw the same numbers from the same seed.
 */
export class Minstd {
  private s: number;

  constructor(seed: number) {
    this.s = seed % 2147483647 || 1;
  }

  /** An integer in [0, n) (n well below 2^31; the small modulo bias does not matter here). */
  below(n: number): number {
    this.s = (this.s * 48271) % 2147483647;
    return this.s % n;
  }
}

/**
 * `pairs` preference pairs for rows of at most `seq` tokens: per pair, in this order, the prompt length
 * (3/8 of seq plus up to seq/4 more: about half the row), the chosen and the rejected answer lengths
 * (each between 1/8 of the room the prompt leaves and all of it), then the prompt, chosen and rejected
 * token ids (uniform in [0, vocab)). The first pair's chosen answer fills its row to exactly `seq`
 * tokens, so the collated batch is `seq` wide.
 */
export function syntheticPairs(pairs: number, seq: number, vocab: number, seed: number): SyntheticPair[] {
  const rng = new Minstd(seed);
  const out: SyntheticPair[] = [];
  for (let i = 0; i < pairs; i++) {
    const base = Math.floor((seq * 3) / 8);
    const promptLen = base + rng.below(Math.floor(seq / 4) + 1);
    const room = seq - promptLen;
    const least = Math.max(1, Math.floor(room / 8));
    let chosenLen = least + rng.below(room - least + 1);
    const rejectedLen = least + rng.below(room - least + 1);
    if (i === 0) chosenLen = room;
    const ids = (n: number) => Array.from({ length: n }, () => rng.below(vocab));
    out.push({ promptIds: ids(promptLen), chosenIds: ids(chosenLen), rejectedIds: ids(rejectedLen) });
  }
  return out;
}

/** What both programs print about the batch: lengths, token counts and a checksum of the rows. */
export interface BatchSummary {
  pairs: number;
  seq: number;
  /** Per pair: [prompt, chosen, rejected] lengths. */
  lengths: [number, number, number][];
  /** Real (non-padding) tokens of the 2 x pairs rows: prompt + answer of every row. */
  realTokens: number;
  /** Answer tokens of all rows (the tokens whose log-probs DPO sums). */
  completionTokens: number;
  /** Rows in TRL's order (all chosen rows, then all rejected rows), hashed with their completion marks. */
  checksum: number;
}

export function batchSummary(pairs: readonly SyntheticPair[], seq: number): BatchSummary {
  const rows = [
    ...pairs.map((p) => [p.promptIds, p.chosenIds] as const),
    ...pairs.map((p) => [p.promptIds, p.rejectedIds] as const),
  ];
  let checksum = 0;
  let realTokens = 0;
  let completionTokens = 0;
  for (const [prompt, answer] of rows) {
    const row = [...prompt, ...answer];
    row.forEach((id, t) => {
      checksum = (checksum * 31 + id * (t + 1) + (t >= prompt.length ? 1 : 0)) % 1000000007;
    });
    realTokens += row.length;
    completionTokens += answer.length;
  }
  return {
    pairs: pairs.length,
    seq,
    lengths: pairs.map((p) => [p.promptIds.length, p.chosenIds.length, p.rejectedIds.length]),
    realTokens,
    completionTokens,
    checksum,
  };
}
