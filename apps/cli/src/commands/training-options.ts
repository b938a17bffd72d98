// The option schema of the training commands (pt, sft), built from the libraries' own option docs
// and defaults, so the CLI, --config files and the library accept exactly the same names.
import { BACKEND_ENV_VAR } from '@medgpt/core-tensor';
import { destroyProcessGroup, readDistributedEnv } from '@medgpt/distributed';
import { ConfigError, type OptionDoc, type StageHubOptions, type StopReason } from '@medgpt/trainer';
import { UsageError } from '../args/usage-error.js';
import type { OptionSchema, OptionSpec } from '../args/option-schema.js';
import { DEVICE_OPTION, initCliBackend } from '../backend-init.js';
import type { CliIo } from '../cli-io.js';
import { EXIT_OK } from '../command.js';
import { cliHubOptions } from '../hub/cli-hub-options.js';

/**
 * Flags MedicalGPT's run_*.sh scripts pass (HF, torchrun and hub plumbing) that change nothing
 * here. They are accepted so those command lines run unchanged, and listed when given; anything else
 * unknown is an error.
 */
const NO_OP_FLAGS: Record<string, string> = {
  do_train: 'training always runs',
  do_eval: 'evaluation runs when there is evaluation data',
  preprocessing_num_workers: 'preprocessing runs in this process',
  overwrite_cache: 'nothing is cached',
  cache_dir: 'the Hugging Face cache is HF_HUB_CACHE, else HF_HOME/hub',
  model_revision: 'write the revision in the id: org/name@revision',
  hf_hub_token: 'downloads use HF_TOKEN',
  use_fast_tokenizer: 'there is one tokenizer implementation',
  trust_remote_code: 'no remote code is run',
  device_map: 'one device per process (medgpt launch gives each its own)',
  ddp_find_unused_parameters: 'every gradient is reduced; unused ones count as zeros',
  report_to: 'metrics go to output_dir/metrics.jsonl and stdout',
  logging_dir: 'metrics go to output_dir/metrics.jsonl',
  overwrite_output_dir: 'checkpoints of the same step are replaced',
  flash_attn: "a no-op in MedicalGPT's SFT too; attention is fused here",
  shift_attn: 'a no-op in MedicalGPT too',
  remove_unused_columns: 'rows keep only what the stage reads',
  min_target_length: "unused in MedicalGPT's DPO/ORPO too",
  run_name: 'metrics go to output_dir/metrics.jsonl',
};
const BOOLEAN_NO_OPS = new Set([
  'do_train',
  'do_eval',
  'overwrite_cache',
  'use_fast_tokenizer',
  'trust_remote_code',
  'ddp_find_unused_parameters',
  'overwrite_output_dir',
  'flash_attn',
  'shift_attn',
  'remove_unused_columns',
]);

// No-op flags that some stages implement: there the stage's own option is used (pt/sft --shift_attn).
const STAGE_FLAGS = new Set(['shift_attn']);
const stageImplements = (name: string, docs: Record<string, OptionDoc>) =>
  STAGE_FLAGS.has(name) && name in docs;

/** The schema of a training command: the stage's options, TrainingArguments, --backend, and the no-ops. */
export function trainingOptionSchema(
  docs: Record<string, OptionDoc>,
  defaults: Record<string, unknown>,
  required: readonly string[],
): OptionSchema {
  const schema: Record<string, OptionSpec> = {};
  for (const [name, doc] of Object.entries(docs)) {
    const value = defaults[name];
    const simple = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    schema[name] = {
      type: doc.kind === 'json' || doc.kind === 'path-or-boolean' ? 'string' : doc.kind,
      description: doc.help,
      ...(doc.choices ? { choices: doc.choices } : {}),
      ...(doc.metavar ? { metavar: doc.metavar } : {}),
      ...(required.includes(name) ? { required: true } : simple && value !== '' ? { default: value } : {}),
    };
  }
  schema.backend = {
    type: 'string',
    metavar: 'NAME',
    description: `tensor backend: auto (cuda > tensorflow > wasm > cpu), cuda, tensorflow, wasm, cpu (or ${BACKEND_ENV_VAR})`,
  };
  schema.device = DEVICE_OPTION;
  for (const [name, why] of Object.entries(NO_OP_FLAGS)) {
    if (stageImplements(name, docs)) continue;
    schema[name] = {
      type: BOOLEAN_NO_OPS.has(name) ? 'boolean' : 'string',
      description: `(accepted, no effect: ${why})`,
    };
  }
  return schema;
}

/**
 * The library config from parsed options: JSON options parsed, `true`/`false` for path-or-boolean
 * options, no-op flags dropped (and reported on stderr).
 */
export function trainingConfig(
  values: Record<string, unknown>,
  docs: Record<string, OptionDoc>,
  io: CliIo,
): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || name === 'backend' || name === 'device') continue;
    if (name in NO_OP_FLAGS && !stageImplements(name, docs)) {
      ignored.push(`--${name}`);
      continue;
    }
    const kind = docs[name]?.kind;
    if (kind === 'json') config[name] = parseJson(name, value as string);
    else if (kind === 'list') config[name] = Array.isArray(value) ? value.join(',') : value;
    else if (kind === 'path-or-boolean')
      config[name] = value === 'true' ? true : value === 'false' ? false : value;
    else config[name] = value;
  }
  if (ignored.length > 0)
    io.stderr(`note: ${ignored.join(', ')}: accepted for MedicalGPT compatibility, no effect here\n`);
  return config;
}

/**
 * Selects the backend (--backend, else MEDGPT_BACKEND, else auto; cuda on CUDA device --device when
 * @medgpt/backend-cuda is installed) and reports the choice on stderr.
 */
export async function selectTrainingBackend(backend: unknown, io: CliIo, device?: unknown): Promise<void> {
  await initCliBackend({
    backend: typeof backend === 'string' ? backend : undefined,
    device: typeof device === 'number' ? device : rankDevice(io.env),
    env: io.env,
    log: (line) => io.stderr(`${line}\n`),
  });
}

/** Runs a library call, turning its option errors into usage errors (exit 2) that name the flag. */
export async function withUsageErrors<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}

/** What a training command needs of a stage trainer (PtTrainer, SftTrainer, DpoTrainer ...). */
export interface StageRunner {
  /** Downloads the Hub ids among the options before the run (StageTrainer.fetchModels). */
  fetchModels?(hub: StageHubOptions): Promise<unknown>;
  train(): Promise<{ outputDir: string; train: { stopReason: StopReason; signal?: string } }>;
}

/**
 * The body of a training command: options to the library's config, the trainer (its option errors
 * become usage errors), the backend, the Hub ids among the options downloaded with progress, the run,
 * then where the outputs are and the exit code.
 */
export async function runTrainingCommand(
  options: Record<string, unknown>,
  docs: Record<string, OptionDoc>,
  io: CliIo,
  makeTrainer: (config: Record<string, unknown>, log: (line: string) => void) => StageRunner,
): Promise<number> {
  const config = trainingConfig(options, docs, io);
  // Under torchrun / medgpt launch, rank 0 speaks for the run; the others print errors only.
  const place = readDistributedEnv(io.env);
  const main = (place?.rank ?? 0) === 0;
  if (place && place.localWorldSize > 1 && typeof options.device === 'number')
    throw new UsageError(
      `--device ${options.device} would put all ${place.localWorldSize} local ranks on one GPU`,
      'leave it out: each rank uses GPU LOCAL_RANK (narrow them with CUDA_VISIBLE_DEVICES)',
    );
  const trainer = await withUsageErrors(async () =>
    makeTrainer(config, (l) => (main ? io.stdout(`${l}\n`) : undefined)),
  );
  await selectTrainingBackend(options.backend, io, options.device);
  try {
    // Hub ids (--model_name_or_path Qwen/Qwen2.5-0.5B ...) are downloaded before the run, with progress
    // on stderr and this command's HF_* variables, which the run then uses too.
    await trainer.fetchModels?.(cliHubOptions(io, (line) => io.stderr(`${line}\n`)));
    const result = await withUsageErrors(() => trainer.train());
    if (main)
      io.stdout(
        `outputs: ${result.outputDir} (metrics.jsonl, loss.svg, trainer_state.json, checkpoint-*/)\n`,
      );
    return exitCodeFor(result.train.stopReason, result.train.signal);
  } finally {
    await destroyProcessGroup(); // the group the trainer joined from torchrun's variables, if any
  }
}

/** Under torchrun / medgpt launch: GPU LOCAL_RANK, unless MEDGPT_CUDA_DEVICE says otherwise. */
function rankDevice(env: Readonly<Record<string, string | undefined>>): number | undefined {
  if (env.MEDGPT_CUDA_DEVICE !== undefined && env.MEDGPT_CUDA_DEVICE !== '') return undefined;
  const place = readDistributedEnv(env);
  return place && place.worldSize > 1 ? place.localRank : undefined;
}

/** 0 when training ran to the end; 130/143 (the shell's codes) when SIGINT/SIGTERM stopped it. */
export function exitCodeFor(stop: StopReason, signal?: string): number {
  if (stop !== 'signal') return EXIT_OK;
  return signal === 'SIGTERM' ? 143 : 130;
}

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--${name} must be JSON, got ${JSON.stringify(text)}`, (err as Error).message);
  }
}
