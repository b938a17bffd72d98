// The reward-function contract of the GRPO trainer (TRL's reward_funcs) and the rewards built in by name.
import { accuracyReward } from './accuracy-reward.js';
import { formatReward } from './format-reward.js';
import { softOverlongPunishment } from './soft-overlong-reward.js';

/** What a reward function knows about one completion besides its text. */
export interface CompletionInfo {
  readonly tokenCount: number;
  /** ended by the token limit, not EOS/stop */
  readonly truncated: boolean;
}

/** A dataset row as the trainer passes it: at least the gold `answer` (GRPO data), other fields as read. */
export type RewardRow = { readonly answer?: string } & Readonly<Record<string, unknown>>;

/** Scores a batch of completions: one number per completion, or null where it does not apply (TRL's None). */
export type RewardFn = (
  completions: readonly string[],
  rows: readonly RewardRow[],
  info: readonly CompletionInfo[],
) => readonly (number | null)[] | Promise<readonly (number | null)[]>;

export interface NamedReward {
  readonly name: string;
  readonly fn: RewardFn;
}

export const BUILT_IN_REWARDS = ['accuracy', 'format', 'soft_overlong'] as const;
export type BuiltInReward = (typeof BUILT_IN_REWARDS)[number];

/**
 * The built-in reward `name`: accuracy (against each row's `answer`; null for rows without one),
 * format (the R1 think/answer layout) or soft_overlong (DAPO's length penalty from info.tokenCount).
 */
export function builtInReward(
  name: BuiltInReward,
  options: { maxCompletionLength: number; softPunishCache: number },
): NamedReward {
  switch (name) {
    case 'accuracy':
      return named(name, (completions, rows) => {
        checkBatch(name, completions, rows, 'rows');
        return completions.map((c, i) => {
          const answer = rows[i].answer;
          // No gold, no verdict: null leaves the row out of this reward instead of scoring it wrong.
          return typeof answer === 'string' ? accuracyReward(c, answer) : null;
        });
      });
    case 'format':
      return named(name, (completions) => completions.map(formatReward));
    case 'soft_overlong': {
      // Built here so bad lengths fail when the trainer is set up, not at the first batch.
      const punish = softOverlongPunishment(options.maxCompletionLength, options.softPunishCache);
      return named(name, (completions, _rows, info) => {
        checkBatch(name, completions, info, 'info');
        return info.map((c) => punish(c.tokenCount));
      });
    }
    default:
      throw new RangeError(`unknown reward '${name as string}'; valid: ${BUILT_IN_REWARDS.join(', ')}`);
  }
}

/**
 * The built-in rewards named by a comma-separated value such as "accuracy,format" (a CLI flag), in
 * order. Throws on an empty, unknown or repeated name.
 */
export function parseRewardNames(value: string): BuiltInReward[] {
  const valid = `valid rewards: ${BUILT_IN_REWARDS.join(', ')}`;
  const names: BuiltInReward[] = [];
  for (const raw of value.split(',')) {
    const name = raw.trim();
    if (name === '') throw new Error(`empty reward name in '${value}'; ${valid}`);
    if (!isBuiltIn(name)) {
      const guess = closeName(name);
      const hint = guess ? ` (did you mean '${guess}'?)` : '';
      throw new Error(`unknown reward '${name}' in '${value}'${hint}; ${valid}`);
    }
    if (names.includes(name)) throw new Error(`reward '${name}' is named twice in '${value}'`);
    names.push(name);
  }
  return names;
}

function named(name: string, fn: RewardFn): NamedReward {
  return { name, fn };
}

/** A batch whose parts disagree in length is a trainer bug; scoring it would pair the wrong rows. */
function checkBatch(
  name: string,
  completions: readonly string[],
  other: readonly unknown[],
  what: string,
): void {
  if (other.length !== completions.length)
    throw new RangeError(`${name} reward: ${completions.length} completions but ${other.length} ${what}`);
}

function isBuiltIn(name: string): name is BuiltInReward {
  return (BUILT_IN_REWARDS as readonly string[]).includes(name);
}

/** The built-in name `name` differs from only by case, separators or a "_reward" suffix (MedicalGPT's). */
function closeName(name: string): BuiltInReward | undefined {
  const plain = (s: string) =>
    s
      .toLowerCase()
      .replace(/[-_\s]/g, '')
      .replace(/reward$/, '');
  return BUILT_IN_REWARDS.find((valid) => plain(valid) === plain(name));
}
