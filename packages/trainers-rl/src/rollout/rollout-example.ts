import type { RecordSource } from '@medgpt/data';
import type { RewardRow } from '../rewards/reward-function.js';

/** One prompt, tokenised: what an RL trainer samples completions for. */
export interface RolloutExample {
  /** The rendered prompt's ids (the left part cut to the prompt limit). */
  readonly promptIds: readonly number[];
  /** The dataset row (question, gold answer, rendered prompt text) the reward functions read. */
  readonly row: RewardRow;
  readonly source?: RecordSource;
}
