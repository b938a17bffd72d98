import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_REWARDS,
  builtInReward,
  parseRewardNames,
  type CompletionInfo,
  type RewardRow,
} from './reward-function.js';

const options = { maxCompletionLength: 100, softPunishCache: 20 };
const info = (tokenCount: number): CompletionInfo => ({ tokenCount, truncated: false });

describe('builtInReward', () => {
  it('names each reward after its built-in name', () => {
    for (const name of BUILT_IN_REWARDS) expect(builtInReward(name, options).name).toBe(name);
  });

  it('accuracy scores against each row answer, null for rows without a string answer', async () => {
    const { fn } = builtInReward('accuracy', options);
    const completions = [
      '<answer>72</answer>',
      '<answer>71</answer>',
      '<answer>72</answer>',
      '<answer>72</answer>',
    ];
    // A number where the type says string: JSON data can hold one, and it is no gold text to verify.
    const numeric = { answer: 72 } as unknown as RewardRow;
    const rows: RewardRow[] = [
      { answer: '#### 72' },
      { answer: '#### 72' },
      { question: 'no gold' },
      numeric,
    ];
    expect(
      await fn(
        completions,
        rows,
        completions.map(() => info(5)),
      ),
    ).toEqual([1, 0, null, null]);
  });

  it('format scores each completion by the R1 layout', async () => {
    const { fn } = builtInReward('format', options);
    const completions = ['<think>a\nb</think><answer>c</answer>', 'c'];
    expect(await fn(completions, [{}, {}], [info(1), info(1)])).toEqual([1, 0]);
  });

  it('soft_overlong reads info.tokenCount, not the text length', async () => {
    const { fn } = builtInReward('soft_overlong', options);
    const completions = ['x', 'x', 'x', 'x'];
    const lengths = [80, 90, 100, 101].map(info);
    expect(await fn(completions, [{}, {}, {}, {}], lengths)).toEqual([0, -0.5, -1, -1]);
  });

  it('soft_overlong refuses bad lengths when it is built', () => {
    expect(() => builtInReward('soft_overlong', { maxCompletionLength: 10, softPunishCache: 20 })).toThrow(
      'cache is 20; expected at most maxCompletionLength (10)',
    );
  });

  it('refuses batches whose rows or infos do not line up with the completions', () => {
    expect(() =>
      builtInReward('accuracy', options).fn(['a', 'b'], [{ answer: '1' }], [info(1), info(1)]),
    ).toThrow('accuracy reward: 2 completions but 1 rows');
    expect(() => builtInReward('soft_overlong', options).fn(['a'], [{}], [])).toThrow(
      'soft_overlong reward: 1 completions but 0 info',
    );
  });
});

describe('parseRewardNames', () => {
  it('splits and trims a comma-separated list, keeping its order', () => {
    expect(parseRewardNames('accuracy,format')).toEqual(['accuracy', 'format']);
    expect(parseRewardNames(' soft_overlong , accuracy ')).toEqual(['soft_overlong', 'accuracy']);
    expect(parseRewardNames('format')).toEqual(['format']);
  });

  it('refuses empty names', () => {
    expect(() => parseRewardNames('')).toThrow(
      "empty reward name in ''; valid rewards: accuracy, format, soft_overlong",
    );
    expect(() => parseRewardNames('accuracy,,format')).toThrow("empty reward name in 'accuracy,,format'");
    expect(() => parseRewardNames('accuracy,')).toThrow('empty reward name');
  });

  it('refuses unknown names, listing the valid ones', () => {
    expect(() => parseRewardNames('accuracy,length')).toThrow(
      "unknown reward 'length' in 'accuracy,length'; valid rewards: accuracy, format, soft_overlong",
    );
  });

  it('suggests the name a case, separator or _reward variant meant', () => {
    expect(() => parseRewardNames('Format')).toThrow(
      "unknown reward 'Format' in 'Format' (did you mean 'format'?)",
    );
    expect(() => parseRewardNames('soft-overlong')).toThrow("(did you mean 'soft_overlong'?)");
    expect(() => parseRewardNames('SoftOverlong')).toThrow("(did you mean 'soft_overlong'?)");
    expect(() => parseRewardNames('accuracy_reward')).toThrow("(did you mean 'accuracy'?)");
  });

  it('refuses a name given twice', () => {
    expect(() => parseRewardNames('format,accuracy,format')).toThrow(
      "reward 'format' is named twice in 'format,accuracy,format'",
    );
  });
});
