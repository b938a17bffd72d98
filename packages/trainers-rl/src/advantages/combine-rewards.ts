// The step from several reward functions to one reward per completion, as GRPOTrainer and RLOOTrainer
// take it: a weighted nansum over the functions, plus each function's mean and spread for the logs.
import { nanmean, nanstd } from './nanstd.js';

/** One reward per completion, and what the trainer logs about the functions that gave them. */
export interface CombinedRewards {
  /** Per completion: Σ_k w_k·r_k over the functions that scored it; 0 where none did (torch's nansum). */
  rewards: Float64Array;
  /** Per completion: 1 where every function returned null, so the trainer can leave it out or warn. */
  unscorable: Uint8Array;
  /** How many completions no function scored (TRL warns when there are any). */
  allNull: number;
  /** Per function: mean over the completions it scored (`rewards/<name>/mean`); NaN if none. */
  functionMeans: Float64Array;
  /** Per function: Bessel std over the completions it scored (`rewards/<name>/std`); NaN below two. */
  functionStds: Float64Array;
}

/**
 * Combines per-function rewards, `perFunction[k][i]` the reward of function k for completion i (null,
 * or NaN, when the function does not apply to it), with `weights[k]` (default all 1). A null term is
 * left out of the sum rather than counted as 0·w, so one abstaining function does not drag a completion
 * down; its statistics skip it too.
 */
export function combineRewards(
  perFunction: readonly (readonly (number | null)[])[],
  weights?: ArrayLike<number>,
): CombinedRewards {
  const numFunctions = perFunction.length;
  if (numFunctions === 0) throw new Error('combineRewards: no reward functions were given');
  const w = checkWeights(weights, numFunctions);
  const numCompletions = perFunction[0]!.length;
  const columns = perFunction.map((values, k) => toColumn(values, k, numCompletions));

  const rewards = new Float64Array(numCompletions);
  const unscorable = new Uint8Array(numCompletions);
  let allNull = 0;
  for (let i = 0; i < numCompletions; i++) {
    let sum = 0;
    let scored = false;
    for (let k = 0; k < numFunctions; k++) {
      const r = columns[k]![i]!;
      if (Number.isNaN(r)) continue;
      sum += w[k]! * r;
      scored = true;
    }
    rewards[i] = sum;
    if (!scored) {
      unscorable[i] = 1;
      allNull++;
    }
  }
  return {
    rewards,
    unscorable,
    allNull,
    functionMeans: Float64Array.from(columns, nanmean),
    functionStds: Float64Array.from(columns, nanstd),
  };
}

function checkWeights(weights: ArrayLike<number> | undefined, numFunctions: number): Float64Array {
  if (weights === undefined) return new Float64Array(numFunctions).fill(1);
  if (weights.length !== numFunctions) {
    throw new Error(`combineRewards: ${weights.length} weights for ${numFunctions} reward functions`);
  }
  const w = Float64Array.from(weights);
  w.forEach((v, k) => {
    if (!Number.isFinite(v)) throw new Error(`combineRewards: weight of reward function ${k} is ${v}`);
  });
  return w;
}

/** Function k's rewards as a column with NaN for null, checked against the completion count. */
function toColumn(values: readonly (number | null)[], k: number, numCompletions: number): Float64Array {
  if (!Array.isArray(values))
    throw new Error(`combineRewards: reward function ${k} gave no array of rewards`);
  if (values.length !== numCompletions) {
    throw new Error(
      `combineRewards: reward function ${k} gave ${values.length} rewards, expected ${numCompletions} ` +
        '(one per completion, as function 0 gave)',
    );
  }
  return Float64Array.from(values, (v, i) => {
    if (v === null) return NaN;
    // Reward functions are user code: an undefined or a string would otherwise turn into a silent NaN.
    if (typeof v !== 'number') {
      throw new Error(
        `combineRewards: reward function ${k} gave ${String(v)} for completion ${i}; expected a number or null`,
      );
    }
    return v;
  });
}
