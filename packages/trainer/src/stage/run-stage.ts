import { join } from 'node:path';
import { writeTextAtomic } from '@medgpt/core-tensor';
import type { CausalLM } from '@medgpt/models';
import { Tokenizer } from '@medgpt/tokenizer';
import type { EvalMetrics } from '../loop/evaluate-loss.js';
import type { TrainResult } from '../loop/run-loop.js';
import type { ProgressStream } from '../logging/progress-bar.js';
import type { TrainerCallback } from '../trainer-callback.js';
import { Trainer } from '../trainer.js';
import { DEFAULT_TRAINING_ARGUMENTS, type TrainingArguments } from '../training-arguments.js';
import type { TrainingTask } from '../training-task.js';
import { loraWeights, type LoraWeights } from './lora-weights.js';
import { enableGradientCheckpointing } from './model-extensions.js';
import type { LoraOptions, ModelOptions } from './model-options.js';
import type { StageHubOptions } from './stage-hub-options.js';
import { fullWeights, type TrainableWeights } from './trainable-weights.js';

/** How a stage reports and what may steer it; all optional. */
export interface StageRunOptions {
  /** Plain log lines (default: stdout). */
  log?: (line: string) => void;
  /** Progress bar stream, drawn on a TTY only (default process.stderr); false: none. */
  progress?: ProgressStream | false;
  callbacks?: readonly TrainerCallback[];
  /** Save and stop on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
  /** How Hub ids among the options are resolved and their downloads reported (default: the environment, no progress). */
  hub?: StageHubOptions;
}

/** What a stage's run did and wrote. */
export interface StageResult {
  train: TrainResult;
  /** --output_dir: checkpoints, metrics.jsonl, loss.svg, trainer_state.json, and the final model. */
  outputDir: string;
  /** 'model' (full fine-tuning) or 'adapter' (LoRA) written to outputDir; none if training stopped early, and on every rank but 0 of a multi-process run (rank 0 writes). */
  saved: 'model' | 'adapter' | null;
  /** The final evaluation (when there is evaluation data and training completed). */
  evalMetrics?: EvalMetrics;
  trainRows: number;
  evalRows: number;
}

/** A flat stage config: the model and LoRA options plus TrainingArguments. */
export type StageConfig = ModelOptions & LoraOptions & TrainingArguments & { train_file_dir: string };

export interface StageParts<E, B> {
  config: StageConfig;
  model: CausalLM;
  tokenizer: Tokenizer;
  train: readonly E[];
  eval: readonly E[];
  /** The task that trains `weights` (it also writes the tokenizer into checkpoints: see saveExtras). */
  task: (weights: TrainableWeights) => TrainingTask<E, B>;
  /** Example lengths, for --group_by_length. */
  exampleLength: (example: E) => number;
  /**
   * What is trained: default LoRA adapters from the LoRA options (--use_peft) or every weight. A stage
   * with its own needs (the reward model's head) passes its own.
   */
  weights?: (model: CausalLM) => Promise<TrainableWeights>;
  /** The final evaluation's log line (default: the loss). */
  describeEval?: (metrics: EvalMetrics) => string;
  /** Extra fields of eval_results.json (default none; causal LMs add MedicalGPT's perplexity). */
  evalRecord?: (metrics: EvalMetrics) => Record<string, number>;
  /** Runs once the weights exist, before the first step (e.g. a reference pass that needs the adapter off). */
  beforeTraining?: (weights: TrainableWeights) => Promise<void> | void;
  run: StageRunOptions;
}

/**
 * What every stage does once its data is made: full or LoRA weights, the generic Trainer, then what
 * MedicalGPT's scripts do at the end: save the model (or adapter) and the tokenizer (padding side
 * left) to output_dir, evaluate and write eval_results.json.
 */
export async function runStage<E, B>(parts: StageParts<E, B>): Promise<StageResult> {
  const { config, model, tokenizer, run } = parts;
  const log = run.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
  checkVocabulary(model, tokenizer);
  if (parts.train.length === 0)
    throw new Error(`${config.train_file_dir}: no training rows were made from the data`);
  const weights = parts.weights
    ? await parts.weights(model)
    : config.use_peft
      ? await loraWeights(model, config, config.seed, 'CAUSAL_LM', run.hub)
      : fullWeights(model);
  try {
    if (config.gradient_checkpointing) {
      enableGradientCheckpointing(model, weights.kind === 'lora' ? [(weights as LoraWeights).peft.rng] : []);
    }
    log(describeWeights(weights, config));
    await parts.beforeTraining?.(weights);
    const args = trainingArguments(config);
    if (parts.eval.length === 0 && args.eval_strategy !== 'no') {
      // MedicalGPT's DPO/ORPO default to eval_strategy steps; a 1% split of a small file is empty.
      log(`no evaluation rows: --eval_strategy ${args.eval_strategy} becomes no`);
      args.eval_strategy = 'no';
    }
    const trainer = new Trainer({
      args,
      task: parts.task(weights),
      trainDataset: parts.train,
      evalDataset: parts.eval.length > 0 ? parts.eval : undefined,
      exampleLength: parts.exampleLength,
      callbacks: run.callbacks,
      log,
      progress: run.progress,
      handleSignals: run.handleSignals,
    });
    const result = await trainer.train();
    const outputDir = config.output_dir;
    const done = result.stopReason === 'completed';
    // In a multi-process run every rank holds the same weights: rank 0 writes them and evaluates.
    if (!trainer.isWorldProcessZero) return stageResult(result, outputDir, null, undefined, parts);
    if (!done) {
      log(
        `training stopped (${result.signal ?? result.stopReason}) at step ${result.globalStep}; resume with --resume_from_checkpoint ${result.lastCheckpoint ?? 'true'}`,
      );
    } else {
      await weights.save(outputDir);
      await leftPaddingTokenizer(tokenizer).save(outputDir);
      log(`saved the ${weights.kind === 'lora' ? 'adapter' : 'model'} and tokenizer to ${outputDir}`);
    }
    let evalMetrics: EvalMetrics | undefined;
    if (done && parts.eval.length > 0) {
      evalMetrics = trainer.evaluate();
      const record = {
        ...evalMetrics,
        eval_samples: parts.eval.length,
        ...parts.evalRecord?.(evalMetrics),
        epoch: result.metrics.epoch,
      };
      await writeTextAtomic(join(outputDir, 'eval_results.json'), `${JSON.stringify(record, null, 2)}\n`);
      const line = parts.describeEval?.(evalMetrics) ?? `loss ${evalMetrics.eval_loss.toFixed(4)}`;
      log(`eval: ${line} (${parts.eval.length} rows)`);
    }
    return stageResult(
      result,
      outputDir,
      done ? (weights.kind === 'lora' ? 'adapter' : 'model') : null,
      evalMetrics,
      parts,
    );
  } finally {
    weights.dispose();
  }
}

function stageResult<E, B>(
  train: TrainResult,
  outputDir: string,
  saved: StageResult['saved'],
  evalMetrics: EvalMetrics | undefined,
  parts: StageParts<E, B>,
): StageResult {
  return { train, outputDir, saved, evalMetrics, trainRows: parts.train.length, evalRows: parts.eval.length };
}

/** "LoRA r=8 alpha=16 on all: 1,234 trainable parameters" */
function describeWeights(weights: TrainableWeights, config: StageConfig): string {
  const what =
    weights.kind === 'lora'
      ? `LoRA r=${config.lora_rank} alpha=${config.lora_alpha} on ${config.target_modules}`
      : 'full fine-tuning';
  const count = weights.parameters.reduce((n, v) => n + v.size, 0).toLocaleString('en-US');
  const checkpointing = config.gradient_checkpointing ? ', activation checkpointing per layer' : '';
  return `${what}: ${count} trainable parameters${checkpointing}`;
}

/** The TrainingArguments part of a flat stage config. */
export function trainingArguments(config: TrainingArguments): TrainingArguments {
  const keys = ['output_dir', ...Object.keys(DEFAULT_TRAINING_ARGUMENTS)] as (keyof TrainingArguments)[];
  return Object.fromEntries(keys.map((k) => [k, config[k]])) as unknown as TrainingArguments;
}

/** Every id the tokenizer can produce must have an embedding row. */
function checkVocabulary(model: CausalLM, tokenizer: Tokenizer): void {
  const largest = Math.max(tokenizer.vocabSize - 1, ...tokenizer.tokenizerJson.added_tokens.map((t) => t.id));
  if (largest >= model.config.vocabSize) {
    throw new Error(
      `the tokenizer has ids up to ${largest} but the model's vocab_size is ${model.config.vocabSize}; ` +
        'resize the embeddings first (e.g. merge the tokenizer with the model, or a tokenizer that matches it)',
    );
  }
}

/** MedicalGPT saves the tokenizer with padding_side left, ready for batched generation. */
function leftPaddingTokenizer(tokenizer: Tokenizer): Tokenizer {
  const files = tokenizer.files();
  return Tokenizer.fromFiles({
    ...files,
    tokenizerConfig: { ...files.tokenizerConfig, padding_side: 'left' },
  });
}
