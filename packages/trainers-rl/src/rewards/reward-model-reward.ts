import { noGrad, tf } from '@medgpt/core-tensor';
import type { CausalLM } from '@medgpt/models';
import type { Tokenizer } from '@medgpt/tokenizer';
import type { NamedReward } from './reward-function.js';

export interface RewardModelRewardOptions {
  /** A sequence classifier with one label (`medgpt rm`'s output, loaded with loadModel). */
  model: CausalLM;
  /** Its tokenizer. */
  tokenizer: Tokenizer;
  /** Texts scored per forward. Default 8. */
  batchSize?: number;
}

/**
 * A reward model as a reward function (TRL's `reward_funcs` given a model): each completion is scored
 * after its rendered prompt (`row.prompt`), tokenised by the reward model's own tokenizer, right-padded,
 * the reward read at the last real token, off the tape. Rows without a prompt text are scored on the
 * completion alone.
 */
export function rewardModelReward(o: RewardModelRewardOptions): NamedReward {
  if (o.model.config.numLabels !== 1)
    throw new Error(
      `reward model: expected a sequence classifier with one label (medgpt rm), got ${o.model.config.numLabels === null ? 'a causal LM' : `${o.model.config.numLabels} labels`}`,
    );
  const pad = o.tokenizer.padTokenId ?? o.tokenizer.eosTokenId ?? 0;
  const batchSize = o.batchSize ?? 8;
  return {
    name: 'reward_model',
    fn: (completions, rows) => {
      const scores: number[] = [];
      for (let s = 0; s < completions.length; s += batchSize) {
        const ids = completions.slice(s, s + batchSize).map((text, i) => {
          const prompt = rows[s + i]?.prompt;
          return o.tokenizer.encode((typeof prompt === 'string' ? prompt : '') + text, {
            addSpecialTokens: false,
          });
        });
        scores.push(...scoreRows(o.model, ids, pad));
      }
      return scores;
    },
  };
}

function scoreRows(model: CausalLM, ids: number[][], pad: number): number[] {
  const length = Math.max(1, ...ids.map((r) => r.length));
  const padded = ids.map((r) => [...r, ...new Array<number>(length - r.length).fill(pad)]);
  const mask = ids.map((r) => Array.from({ length }, (_, t) => (t < r.length ? 1 : 0)));
  return noGrad(() =>
    tf.tidy(() => {
      const scores = model.scores(
        {
          inputIds: tf.tensor2d(padded, [ids.length, length], 'int32'),
          attentionMask: tf.tensor2d(mask, [ids.length, length], 'int32'),
        },
        { lastIndex: ids.map((r) => Math.max(0, r.length - 1)) },
      );
      return Array.from(scores.dataSync());
    }),
  );
}
