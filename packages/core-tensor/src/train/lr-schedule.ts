// Learning-rate schedules with the semantics of transformers' get_scheduler (optimization.py): each
// is LambdaLR's multiplier as a pure function of the optimizer step, the step counted from 0 (the
// i-th optimizer.step() uses multiplier(i)).

/** The lr_scheduler_type values supported here (HF's SchedulerType, less reduce_lr_on_plateau). */
export const SCHEDULER_TYPES = [
  'linear',
  'cosine',
  'cosine_with_restarts',
  'polynomial',
  'constant',
  'constant_with_warmup',
  'inverse_sqrt',
  'cosine_with_min_lr',
  'cosine_warmup_with_min_lr',
  'warmup_stable_decay',
] as const;

export type SchedulerType = (typeof SCHEDULER_TYPES)[number];

export interface SchedulerOptions {
  /** HF `lr_scheduler_type`. */
  name: string;
  /** The optimizer's initial learning rate (HF `learning_rate`; polynomial and min_lr read it). */
  baseLr: number;
  /** Default 0. See getWarmupSteps for HF's warmup_ratio rule. */
  numWarmupSteps?: number;
  /** Total optimizer steps; required by every decaying schedule. */
  numTrainingSteps?: number;
  /** HF `lr_scheduler_kwargs`, keys spelled as in Python (num_cycles, lr_end, power, min_lr ...). */
  kwargs?: Record<string, unknown>;
}

export interface LrSchedule {
  readonly name: SchedulerType;
  readonly baseLr: number;
  /** The factor on baseLr for optimizer step `step` (0-based). */
  multiplier(step: number): number;
  /** The learning rate of optimizer step `step`: baseLr * multiplier(step). */
  lr(step: number): number;
}

type Lambda = (step: number) => number;

interface Resolved {
  baseLr: number;
  warmup: number;
  total: number;
  kw: Kwargs;
}

/** HF's linear warmup from 0, shared by most schedules. */
const warmupFactor = (step: number, warmup: number): number => step / Math.max(1, warmup);

const progressAfterWarmup = (step: number, warmup: number, total: number): number =>
  (step - warmup) / Math.max(1, total - warmup);

// Per type: the kwargs it accepts ('ignored' where get_scheduler drops them), whether it needs
// numTrainingSteps, and its lambda.
interface Spec {
  kwargs: Record<string, 'number' | 'string'> | 'ignored';
  needsTotal: boolean;
  make(r: Resolved): Lambda;
}

const COSINE_MIN_LR_KWARGS = { num_cycles: 'number', min_lr: 'number', min_lr_rate: 'number' } as const;

const SPECS: Record<SchedulerType, Spec> = {
  constant: { kwargs: 'ignored', needsTotal: false, make: () => () => 1 },
  constant_with_warmup: {
    kwargs: 'ignored',
    needsTotal: false,
    make:
      ({ warmup }) =>
      (s) =>
        s < warmup ? warmupFactor(s, warmup) : 1,
  },
  linear: {
    kwargs: {},
    needsTotal: true,
    make:
      ({ warmup, total }) =>
      (s) =>
        s < warmup ? warmupFactor(s, warmup) : Math.max(0, (total - s) / Math.max(1, total - warmup)),
  },
  cosine: {
    kwargs: { num_cycles: 'number' },
    needsTotal: true,
    make: ({ warmup, total, kw }) => {
      const cycles = kw.number('num_cycles', 0.5);
      return (s) =>
        s < warmup
          ? warmupFactor(s, warmup)
          : Math.max(0, 0.5 * (1 + Math.cos(Math.PI * cycles * 2 * progressAfterWarmup(s, warmup, total))));
    },
  },
  cosine_with_restarts: {
    kwargs: { num_cycles: 'number' },
    needsTotal: true,
    make: ({ warmup, total, kw }) => {
      const cycles = kw.number('num_cycles', 1);
      return (s) => {
        if (s < warmup) return warmupFactor(s, warmup);
        const progress = progressAfterWarmup(s, warmup, total);
        if (progress >= 1) return 0;
        return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * ((cycles * progress) % 1))));
      };
    },
  },
  polynomial: {
    kwargs: { lr_end: 'number', power: 'number' },
    needsTotal: true,
    make: ({ baseLr, warmup, total, kw }) => {
      const lrEnd = kw.number('lr_end', 1e-7);
      const power = kw.number('power', 1);
      if (!(baseLr > lrEnd)) {
        throw new RangeError(`polynomial: lr_end (${lrEnd}) must be smaller than the initial lr (${baseLr})`);
      }
      if (!(total > warmup)) {
        throw new RangeError(
          `polynomial: numTrainingSteps (${total}) must exceed numWarmupSteps (${warmup})`,
        );
      }
      return (s) => {
        if (s < warmup) return warmupFactor(s, warmup);
        if (s > total) return lrEnd / baseLr;
        const pctRemaining = 1 - (s - warmup) / (total - warmup);
        return ((baseLr - lrEnd) * pctRemaining ** power + lrEnd) / baseLr;
      };
    },
  },
  inverse_sqrt: {
    kwargs: 'ignored',
    needsTotal: false,
    make: ({ warmup }) => {
      const timescale = warmup || 10_000;
      return (s) =>
        s < warmup ? warmupFactor(s, warmup) : 1 / Math.sqrt((s + timescale - warmup) / timescale);
    },
  },
  cosine_with_min_lr: {
    kwargs: COSINE_MIN_LR_KWARGS,
    needsTotal: true,
    make: ({ baseLr, warmup, total, kw }) => {
      const cycles = kw.number('num_cycles', 0.5);
      const minRate = minLrRate('cosine_with_min_lr', kw, baseLr);
      return (s) => {
        if (s < warmup) return warmupFactor(s, warmup);
        const f = 0.5 * (1 + Math.cos(Math.PI * cycles * 2 * progressAfterWarmup(s, warmup, total)));
        return Math.max(0, f * (1 - minRate) + minRate);
      };
    },
  },
  // Unlike the others it counts step + 1 in warmup and in the decay progress.
  cosine_warmup_with_min_lr: {
    kwargs: { ...COSINE_MIN_LR_KWARGS, warmup_lr_rate: 'number' },
    needsTotal: true,
    make: ({ baseLr, warmup, total, kw }) => {
      const cycles = kw.number('num_cycles', 0.5);
      const minRate = minLrRate('cosine_warmup_with_min_lr', kw, baseLr);
      const warmupRate = kw.optionalNumber('warmup_lr_rate');
      return (s) => {
        if (s < warmup) {
          return warmupRate === undefined
            ? (s + 1) / Math.max(1, warmup)
            : warmupRate + ((1 - warmupRate) * s) / Math.max(1, warmup - 1);
        }
        const progress = (s - warmup + 1) / Math.max(1, total - warmup);
        const f = 0.5 * (1 + Math.cos(Math.PI * cycles * 2 * progress));
        return Math.max(0, f * (1 - minRate) + minRate);
      };
    },
  },
  warmup_stable_decay: {
    kwargs: {
      num_decay_steps: 'number',
      num_stable_steps: 'number',
      warmup_type: 'string',
      decay_type: 'string',
      min_lr_ratio: 'number',
      num_cycles: 'number',
    },
    needsTotal: false,
    make: wsdLambda,
  },
};

/** HF's min_lr / min_lr_rate rule: exactly one of them. */
function minLrRate(name: string, kw: Kwargs, baseLr: number): number {
  const minLr = kw.optionalNumber('min_lr');
  const rate = kw.optionalNumber('min_lr_rate');
  if (minLr !== undefined && rate !== undefined) {
    throw new RangeError(
      `${name}: set only one of lr_scheduler_kwargs min_lr (${minLr}) and min_lr_rate (${rate})`,
    );
  }
  if (minLr !== undefined) return minLr / baseLr;
  if (rate === undefined) throw new RangeError(`${name}: lr_scheduler_kwargs needs min_lr or min_lr_rate`);
  return rate;
}

const WSD_SHAPES = ['linear', 'cosine', '1-sqrt'];

function wsdLambda({ warmup, total, kw }: Resolved): Lambda {
  const decaySteps = kw.optionalNumber('num_decay_steps');
  if (decaySteps === undefined)
    throw new RangeError('warmup_stable_decay: lr_scheduler_kwargs needs num_decay_steps');
  let stable = kw.optionalNumber('num_stable_steps');
  if (stable === undefined) {
    if (!Number.isFinite(total)) {
      throw new RangeError(
        'warmup_stable_decay: needs numTrainingSteps or lr_scheduler_kwargs num_stable_steps',
      );
    }
    stable = total - warmup - decaySteps;
  }
  const warmupType = kw.string('warmup_type', 'linear', WSD_SHAPES);
  const decayType = kw.string('decay_type', 'cosine', WSD_SHAPES);
  const minRatio = kw.number('min_lr_ratio', 0);
  const cycles = kw.number('num_cycles', 0.5);
  const scaled = (f: number): number => Math.max(0, f * (1 - minRatio) + minRatio);
  return (s) => {
    if (s < warmup) {
      const p = s / Math.max(1, warmup);
      if (warmupType === 'linear') return scaled(p);
      return scaled(warmupType === 'cosine' ? 0.5 * (1 - Math.cos(Math.PI * p)) : 1 - Math.sqrt(1 - p));
    }
    if (s < warmup + stable!) return 1;
    if (s < warmup + stable! + decaySteps) {
      const p = (s - warmup - stable!) / Math.max(1, decaySteps);
      if (decayType === 'linear') return scaled(1 - p);
      return scaled(
        decayType === 'cosine' ? 0.5 * (1 + Math.cos(Math.PI * cycles * 2 * p)) : 1 - Math.sqrt(p),
      );
    }
    return minRatio;
  };
}

/** Typed access to lr_scheduler_kwargs, with errors naming the key. */
class Kwargs {
  constructor(
    private readonly owner: string,
    private readonly values: Record<string, unknown>,
  ) {}

  optionalNumber(key: string): number | undefined {
    const v = this.values[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(
        `${this.owner}: lr_scheduler_kwargs '${key}' is ${JSON.stringify(v)}; expected a finite number`,
      );
    }
    return v;
  }

  number(key: string, fallback: number): number {
    return this.optionalNumber(key) ?? fallback;
  }

  string(key: string, fallback: string, allowed: string[]): string {
    const v = this.values[key] ?? fallback;
    if (typeof v !== 'string' || !allowed.includes(v)) {
      throw new RangeError(
        `${this.owner}: lr_scheduler_kwargs '${key}' is ${JSON.stringify(v)}; expected one of ${allowed.join(', ')}`,
      );
    }
    return v;
  }
}

function checkSteps(name: string, option: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
    throw new RangeError(`${name}: option '${option}' is ${value}; expected an integer >= 0`);
  }
}

/** The HF scheduler `options.name` as a pure function of the step. */
export function getScheduler(options: SchedulerOptions): LrSchedule {
  const { name, baseLr, numWarmupSteps = 0, numTrainingSteps, kwargs = {} } = options;
  if (name === 'reduce_lr_on_plateau') {
    throw new RangeError(
      "getScheduler: 'reduce_lr_on_plateau' follows eval metrics, not the step; it is not supported",
    );
  }
  if (!(SCHEDULER_TYPES as readonly string[]).includes(name)) {
    throw new RangeError(
      `getScheduler: unknown lr_scheduler_type '${name}'; expected one of ${SCHEDULER_TYPES.join(', ')}`,
    );
  }
  const type = name as SchedulerType;
  const spec = SPECS[type];
  if (!(Number.isFinite(baseLr) && baseLr >= 0)) {
    throw new RangeError(`${type}: option 'baseLr' is ${baseLr}; expected a finite number >= 0`);
  }
  checkSteps(type, 'numWarmupSteps', numWarmupSteps);
  checkSteps(type, 'numTrainingSteps', numTrainingSteps);
  if (spec.needsTotal && numTrainingSteps === undefined) {
    throw new RangeError(`${type}: requires numTrainingSteps`);
  }
  if (spec.kwargs !== 'ignored') {
    const accepted = spec.kwargs;
    for (const key of Object.keys(kwargs)) {
      if (!(key in accepted)) {
        const valid = Object.keys(accepted);
        throw new RangeError(
          `${type}: unknown lr_scheduler_kwargs '${key}'; ` +
            (valid.length ? `expected one of ${valid.join(', ')}` : 'this scheduler takes none'),
        );
      }
    }
  }
  const kw = new Kwargs(type, spec.kwargs === 'ignored' ? {} : kwargs);
  const lambda = spec.make({ baseLr, warmup: numWarmupSteps, total: numTrainingSteps ?? Infinity, kw });
  const multiplier = (step: number): number => {
    if (!(Number.isSafeInteger(step) && step >= 0)) {
      throw new RangeError(`${type}: step ${step} is invalid; expected an integer >= 0`);
    }
    return lambda(step);
  };
  return { name: type, baseLr, multiplier, lr: (step) => baseLr * multiplier(step) };
}

/**
 * HF TrainingArguments.get_warmup_steps: `warmupSteps` when it is >= 1, otherwise
 * ceil(numTrainingSteps * ratio), the ratio being `warmupSteps` itself when it lies in (0, 1)
 * (transformers 5) or else `warmupRatio`.
 */
export function getWarmupSteps(
  numTrainingSteps: number,
  options: { warmupSteps?: number; warmupRatio?: number } = {},
): number {
  const { warmupSteps = 0, warmupRatio = 0 } = options;
  checkSteps('getWarmupSteps', 'numTrainingSteps', numTrainingSteps);
  if (!(warmupSteps >= 0) || (warmupSteps >= 1 && !Number.isSafeInteger(warmupSteps))) {
    throw new RangeError(
      `getWarmupSteps: option 'warmupSteps' is ${warmupSteps}; expected an integer >= 0 or a ratio in (0, 1)`,
    );
  }
  if (!(warmupRatio >= 0 && warmupRatio <= 1)) {
    throw new RangeError(
      `getWarmupSteps: option 'warmupRatio' is ${warmupRatio}; expected a number in [0, 1]`,
    );
  }
  if (warmupSteps >= 1) return warmupSteps;
  return Math.ceil(numTrainingSteps * (warmupSteps > 0 ? warmupSteps : warmupRatio));
}
