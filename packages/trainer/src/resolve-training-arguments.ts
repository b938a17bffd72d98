import { getScheduler, SCHEDULER_TYPES } from '@medgpt/core-tensor';
import { checkZeroStage, deepSpeedMismatches, readDeepSpeedConfig } from '@medgpt/distributed';
import { ConfigError } from './config-error.js';
import {
  DEFAULT_TRAINING_ARGUMENTS,
  INTERVAL_STRATEGIES,
  NAN_INF_POLICIES,
  OPTIMIZERS,
  type TrainingArguments,
} from './training-arguments.js';

/** TrainingArguments as a caller writes them: output_dir, and any other option to override. */
export type TrainingArgumentsInput = Partial<TrainingArguments> & { output_dir: string };

/**
 * Fills in transformers' defaults and checks every option, throwing a ConfigError that names the
 * option, its value and the valid values. Unknown keys are errors too: a typo must not train with
 * a default.
 */
export function resolveTrainingArguments(input: TrainingArgumentsInput): TrainingArguments {
  const known = new Set(['output_dir', ...Object.keys(DEFAULT_TRAINING_ARGUMENTS)]);
  for (const key of Object.keys(input)) {
    if (!known.has(key)) {
      throw new ConfigError(
        key,
        (input as Record<string, unknown>)[key],
        'no such training argument',
        near(key, known),
      );
    }
  }
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const args = { ...DEFAULT_TRAINING_ARGUMENTS, ...defined } as TrainingArguments;
  checkArguments(args);
  applyDeepSpeed(args, input.zero_stage !== undefined);
  return args;
}

/**
 * --deepspeed: its zero_optimization.stage becomes zero_stage (an explicit --zero_stage must agree), and
 * its batch and clipping values that are not "auto" must equal the training arguments, as transformers
 * checks them.
 */
function applyDeepSpeed(args: TrainingArguments, zeroStageGiven: boolean): void {
  if (args.deepspeed === null) return;
  let config;
  try {
    config = readDeepSpeedConfig(args.deepspeed);
  } catch (err) {
    throw new ConfigError(
      'deepspeed',
      args.deepspeed,
      'a DeepSpeed config medgpt can run',
      (err as Error).message,
    );
  }
  if (zeroStageGiven && args.zero_stage !== config.zeroStage) {
    throw new ConfigError(
      'zero_stage',
      args.zero_stage,
      `${config.zeroStage}, the zero_optimization.stage of --deepspeed ${config.source}`,
      'give one of them',
    );
  }
  const mismatches = deepSpeedMismatches(config, args as unknown as Record<string, unknown>);
  if (mismatches.length > 0)
    throw new ConfigError(
      'deepspeed',
      args.deepspeed,
      'values that agree with the training arguments',
      mismatches.join('; '),
    );
  args.zero_stage = config.zeroStage;
}

function checkArguments(a: TrainingArguments): void {
  check(
    'output_dir',
    a.output_dir,
    typeof a.output_dir === 'string' && a.output_dir !== '',
    'a directory path',
  );
  for (const key of [
    'per_device_train_batch_size',
    'per_device_eval_batch_size',
    'gradient_accumulation_steps',
  ] as const)
    check(key, a[key], Number.isSafeInteger(a[key]) && a[key] >= 1, 'an integer >= 1');
  check('learning_rate', a.learning_rate, finite(a.learning_rate) && a.learning_rate >= 0, 'a number >= 0');
  check('weight_decay', a.weight_decay, finite(a.weight_decay) && a.weight_decay >= 0, 'a number >= 0');
  for (const key of ['adam_beta1', 'adam_beta2'] as const)
    check(key, a[key], finite(a[key]) && a[key] >= 0 && a[key] < 1, 'a number in [0, 1)');
  check('adam_epsilon', a.adam_epsilon, finite(a.adam_epsilon) && a.adam_epsilon >= 0, 'a number >= 0');
  oneOf('optim', a.optim, OPTIMIZERS);
  check('max_grad_norm', a.max_grad_norm, finite(a.max_grad_norm), 'a number (<= 0 disables clipping)');
  check(
    'max_steps',
    a.max_steps,
    Number.isSafeInteger(a.max_steps),
    'an integer (<= 0: use num_train_epochs)',
  );
  if (a.max_steps <= 0) {
    check(
      'num_train_epochs',
      a.num_train_epochs,
      finite(a.num_train_epochs) && a.num_train_epochs > 0,
      'a number > 0 (or set --max_steps)',
    );
  }
  oneOf('lr_scheduler_type', a.lr_scheduler_type, SCHEDULER_TYPES);
  check(
    'lr_scheduler_kwargs',
    a.lr_scheduler_kwargs,
    typeof a.lr_scheduler_kwargs === 'object' &&
      a.lr_scheduler_kwargs !== null &&
      !Array.isArray(a.lr_scheduler_kwargs),
    'a JSON object such as {"num_cycles": 0.5}',
  );
  checkSchedulerKwargs(a);
  check(
    'warmup_ratio',
    a.warmup_ratio,
    finite(a.warmup_ratio) && a.warmup_ratio >= 0 && a.warmup_ratio <= 1,
    'a number in [0, 1]',
  );
  check(
    'warmup_steps',
    a.warmup_steps,
    finite(a.warmup_steps) &&
      a.warmup_steps >= 0 &&
      (a.warmup_steps < 1 || Number.isSafeInteger(a.warmup_steps)),
    'an integer >= 0, or a ratio in (0, 1)',
  );
  for (const key of ['logging_strategy', 'eval_strategy', 'save_strategy'] as const)
    oneOf(key, a[key], INTERVAL_STRATEGIES);
  for (const key of ['logging_steps', 'save_steps'] as const) steps(key, a[key]);
  if (a.eval_steps !== null) steps('eval_steps', a.eval_steps);
  check(
    'save_total_limit',
    a.save_total_limit,
    a.save_total_limit === null || (Number.isSafeInteger(a.save_total_limit) && a.save_total_limit >= 0),
    'an integer >= 1 (0 or unset keeps every checkpoint)',
  );
  check('seed', a.seed, Number.isSafeInteger(a.seed) && a.seed >= 0, 'an integer >= 0');
  check(
    'data_seed',
    a.data_seed,
    a.data_seed === null || (Number.isSafeInteger(a.data_seed) && a.data_seed >= 0),
    'an integer >= 0',
  );
  if (a.bf16 && a.fp16)
    throw new ConfigError('fp16', true, 'false when --bf16 is set', 'choose one precision');
  oneOf('nan_inf_policy', a.nan_inf_policy, NAN_INF_POLICIES);
  check('ddp_timeout', a.ddp_timeout, finite(a.ddp_timeout) && a.ddp_timeout > 0, 'a number of seconds > 0');
  check('zero_stage', a.zero_stage, Number.isSafeInteger(a.zero_stage), 'an integer (0 or 1)');
  try {
    checkZeroStage(a.zero_stage, '--zero_stage');
  } catch (err) {
    throw new ConfigError(
      'zero_stage',
      a.zero_stage,
      '0 or 1',
      (err as Error).message.replace(/^--zero_stage is \d+: /, ''),
    );
  }
  check(
    'deepspeed',
    a.deepspeed,
    a.deepspeed === null || (typeof a.deepspeed === 'string' && a.deepspeed !== ''),
    'a DeepSpeed JSON file or inline JSON',
  );
  check(
    'resume_from_checkpoint',
    a.resume_from_checkpoint,
    a.resume_from_checkpoint === null ||
      typeof a.resume_from_checkpoint === 'boolean' ||
      (typeof a.resume_from_checkpoint === 'string' && a.resume_from_checkpoint !== ''),
    'a checkpoint directory, or true for the newest checkpoint in --output_dir',
  );
  for (const key of [
    'logging_first_step',
    'logging_nan_inf_filter',
    'eval_on_start',
    'save_only_model',
    'dataloader_drop_last',
    'group_by_length',
    'bf16',
    'fp16',
    'gradient_checkpointing',
    'disable_tqdm',
  ] as const)
    check(key, a[key], typeof a[key] === 'boolean', 'true or false');
}

/** The schedule's own checks (which kwargs it takes, their values), run now rather than after loading. */
function checkSchedulerKwargs(a: TrainingArguments): void {
  try {
    getScheduler({
      name: a.lr_scheduler_type,
      baseLr: a.learning_rate,
      numWarmupSteps: 0,
      numTrainingSteps: 1000,
      kwargs: a.lr_scheduler_kwargs,
    });
  } catch (err) {
    throw new ConfigError(
      'lr_scheduler_kwargs',
      a.lr_scheduler_kwargs,
      `options of the ${a.lr_scheduler_type} schedule`,
      (err as Error).message,
    );
  }
}

function finite(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function check(option: string, value: unknown, ok: boolean, expected: string): void {
  if (!ok) throw new ConfigError(option, value, expected);
}

function steps(option: string, value: number): void {
  check(
    option,
    value,
    finite(value) && value > 0 && (value < 1 || Number.isSafeInteger(value)),
    'an integer >= 1, or a share of max_steps in (0, 1)',
  );
}

function oneOf(option: string, value: unknown, choices: readonly string[]): void {
  check(option, value, typeof value === 'string' && choices.includes(value), `one of ${choices.join(', ')}`);
}

/** A known name that differs from `key` by one edit or by separators, for the hint. */
function near(key: string, known: Set<string>): string | undefined {
  const plain = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  for (const name of known)
    if (plain(name) === plain(key) || editDistance(name, key) <= 2) return `did you mean ${name}?`;
  return undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
