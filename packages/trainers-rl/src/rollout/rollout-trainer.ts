import { chatTemplateFormat, namedTemplateFormat, type PromptFormat } from '@medgpt/serving';
import type { Tokenizer } from '@medgpt/tokenizer';
import { chatDataSetup, StageTrainer, type ModelOptions, type StageRunOptions } from '@medgpt/trainer';
import { stageModelOptions, type TrlModelOptions } from '../config/trl-model-options.js';
import { builtInReward, parseRewardNames, type NamedReward } from '../rewards/reward-function.js';

/** What an RL run takes besides the config: reward functions written in TypeScript. */
export interface RolloutRunOptions extends StageRunOptions {
  /** Extra reward functions, combined after the built-in ones and before a reward model. */
  rewardFns?: readonly NamedReward[];
}

/**
 * What GRPO, RLOO and PPO trainers share: TRL's model option names translated for the stage kit, the
 * TypeScript reward functions of the run, the prompt rendering (a named template or the tokenizer's chat
 * template, after MedicalGPT's special-token fallbacks) and the built-in rewards.
 */
export abstract class RolloutTrainer<
  C extends TrlModelOptions & { template_name: string | null },
> extends StageTrainer<C> {
  protected readonly rewardFns: readonly NamedReward[];

  protected constructor(config: C, run: RolloutRunOptions) {
    super(config, run);
    this.rewardFns = run.rewardFns ?? [];
  }

  protected override modelOptions(): ModelOptions {
    return stageModelOptions(this.config);
  }

  /** The tokenizer prompts are encoded with and how they are rendered (its fallbacks are logged). */
  protected promptSetup(base: Tokenizer): { tokenizer: Tokenizer; format: PromptFormat } {
    const setup = chatDataSetup(this.config.template_name, base);
    for (const note of setup.notes) this.log(note);
    const format = setup.template
      ? namedTemplateFormat(setup.template)
      : chatTemplateFormat(setup.chatTemplate!);
    return { tokenizer: setup.tokenizer, format };
  }

  /** --reward_funcs as reward functions, then the run's TypeScript ones. */
  protected rewards(o: {
    reward_funcs: string;
    max_completion_length: number;
    soft_punish_cache: number;
  }): NamedReward[] {
    const options = { maxCompletionLength: o.max_completion_length, softPunishCache: o.soft_punish_cache };
    const names = o.reward_funcs.trim() === '' ? [] : parseRewardNames(o.reward_funcs);
    return [...names.map((n) => builtInReward(n, options)), ...this.rewardFns];
  }
}
