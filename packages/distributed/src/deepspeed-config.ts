// DeepSpeed's JSON config (MedicalGPT ships zero1.json, zero2.json, zero3.json), read for what medgpt
// can honour: zero_optimization.stage 0 or 1. Batch and clipping values that are not "auto" must agree
// with the training arguments, as transformers checks them.
import { readFileSync } from 'node:fs';

/** ZeRO stages medgpt runs: 0 (plain data parallel) and 1 (optimizer state sharded). */
export const SUPPORTED_ZERO_STAGES: readonly number[] = [0, 1];

export interface DeepSpeedConfig {
  /** Where it came from: the file path, or "inline JSON". */
  source: string;
  /** zero_optimization.stage (0 when absent). */
  zeroStage: number;
  /** Values given as numbers (not "auto"), by DeepSpeed key. */
  fixed: Partial<Record<DeepSpeedChecked, number>>;
}

/** The keys compared with TrainingArguments, and the argument each must equal. */
export const DEEPSPEED_CHECKED = {
  train_micro_batch_size_per_gpu: 'per_device_train_batch_size',
  gradient_accumulation_steps: 'gradient_accumulation_steps',
  gradient_clipping: 'max_grad_norm',
} as const;
export type DeepSpeedChecked = keyof typeof DEEPSPEED_CHECKED;

/**
 * Reads --deepspeed: a path to a JSON file, or the JSON itself (starting with "{"). Throws an error
 * naming the file and the field for unreadable files, bad JSON, and stages other than 0 and 1.
 */
export function readDeepSpeedConfig(pathOrJson: string): DeepSpeedConfig {
  const inline = pathOrJson.trim().startsWith('{');
  const source = inline ? 'inline JSON' : pathOrJson;
  let text = pathOrJson;
  if (!inline) {
    try {
      text = readFileSync(pathOrJson, 'utf8');
    } catch (err) {
      throw new Error(
        `--deepspeed ${pathOrJson}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
        { cause: err },
      );
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`--deepspeed ${source}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new Error(
      `--deepspeed ${source}: expected a JSON object such as {"zero_optimization": {"stage": 1}}`,
    );
  const config = json as Record<string, unknown>;
  const zero = (config.zero_optimization ?? {}) as Record<string, unknown>;
  const stage = zero.stage ?? 0;
  if (!(typeof stage === 'number' && Number.isInteger(stage) && stage >= 0 && stage <= 3))
    throw new Error(
      `--deepspeed ${source}: zero_optimization.stage is ${JSON.stringify(stage)}; expected 0, 1, 2 or 3`,
    );
  checkZeroStage(stage, `zero_optimization.stage in --deepspeed ${source}`);
  for (const part of ['offload_optimizer', 'offload_param'] as const) {
    const device = (zero[part] as Record<string, unknown> | undefined)?.device;
    if (device !== undefined && device !== 'none')
      throw new Error(
        `--deepspeed ${source}: zero_optimization.${part}.device is ${JSON.stringify(device)}; medgpt keeps ` +
          'everything on the GPU (set it to "none" or remove it)',
      );
  }
  const fixed: DeepSpeedConfig['fixed'] = {};
  for (const key of Object.keys(DEEPSPEED_CHECKED) as DeepSpeedChecked[]) {
    const value = config[key];
    if (typeof value === 'number') fixed[key] = value;
    else if (value !== undefined && value !== 'auto')
      throw new Error(
        `--deepspeed ${source}: ${key} is ${JSON.stringify(value)}; expected a number or "auto"`,
      );
  }
  return { source, zeroStage: stage, fixed };
}

/** Throws for a ZeRO stage medgpt cannot run, saying what it runs instead. `where` names the setting. */
export function checkZeroStage(stage: number, where: string): void {
  if (SUPPORTED_ZERO_STAGES.includes(stage)) return;
  const what =
    stage === 2
      ? 'gradient sharding (ZeRO-2)'
      : stage === 3
        ? 'parameter sharding (ZeRO-3)'
        : `stage ${stage}`;
  throw new Error(
    `${where} is ${stage}: ${what} is not supported. medgpt runs stage 0 (data parallel: every rank keeps ` +
      'the whole optimizer state) and stage 1 (optimizer state sharded across ranks); use --zero_stage 1, ' +
      'or a DeepSpeed config with "zero_optimization": {"stage": 1}',
  );
}

/**
 * The fixed DeepSpeed values that disagree with the training arguments, each as
 * "gradient_clipping 0.5 in ds.json vs --max_grad_norm 1"; empty when all agree.
 */
export function deepSpeedMismatches(config: DeepSpeedConfig, args: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(config.fixed) as [DeepSpeedChecked, number][]) {
    const arg = DEEPSPEED_CHECKED[key];
    if (args[arg] !== value) out.push(`${key} ${value} in ${config.source} vs --${arg} ${String(args[arg])}`);
  }
  return out;
}
