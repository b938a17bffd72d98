import { join } from 'node:path';
import type { LabeledSequence } from '@medgpt/data';
import type { CausalLM } from '@medgpt/models';
import { Tokenizer } from '@medgpt/tokenizer';
import {
  DEFAULT_TRAINING_ARGUMENTS,
  Trainer,
  writeTextAtomic,
  type EvalMetrics,
  type ProgressStream,
  type TrainerCallback,
  type TrainingArguments,
  type TrainResult,
} from '@medgpt/trainer';
import type { LoraOptions, ModelOptions } from '../config/model-options.js';
import { CausalLmTask } from './causal-lm-task.js';
import { loraWeights, type LoraWeights } from './lora-weights.js';
import { enableGradientCheckpointing } from './model-extensions.js';
import type { NeftuneScale } from './neftune.js';
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
}

/** What a PT or SFT run did and wrote. */
export interface StageResult {
  train: TrainResult;
  /** --output_dir: checkpoints, metrics.jsonl, loss.svg, trainer_state.json, and the final model. */
  outputDir: string;
  /** 'model' (full fine-tuning) or 'adapter' (LoRA) written to outputDir; none if training stopped early. */
  saved: 'model' | 'adapter' | null;
  /** The final evaluation (when there is evaluation data and training completed). */
  evalMetrics?: EvalMetrics;
  trainRows: number;
  evalRows: number;
}

export interface CausalLmStageParts {
  config: ModelOptions & LoraOptions & TrainingArguments & { train_file_dir: string };
  model: CausalLM;
  tokenizer: Tokenizer;
  train: LabeledSequence[];
  eval: LabeledSequence[];
  padTokenId: number;
  packed?: boolean;
  padToMultipleOf?: number;
  neftune?: { alpha: number; scale: NeftuneScale };
  run: StageRunOptions;
}

/**
 * What PT and SFT share after their data is made: full or LoRA weights, the generic Trainer, then
 * what MedicalGPT does at the end: save the model (or adapter) and the tokenizer (padding side left)
 * to output_dir, evaluate and write eval_results.json with the perplexity.
 */
export async function runCausalLmStage(parts: CausalLmStageParts): Promise<StageResult> {
  const { config, model, tokenizer, run } = parts;
  const log = run.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
  checkVocabulary(model, tokenizer);
  if (parts.train.length === 0)
    throw new Error(`${config.train_file_dir}: no training rows were made from the data`);
  const weights: TrainableWeights = config.use_peft
    ? await loraWeights(model, config, config.seed)
    : fullWeights(model);
  if (config.gradient_checkpointing) {
    enableGradientCheckpointing(model, weights.kind === 'lora' ? [(weights as LoraWeights).peft.rng] : []);
  }
  const what =
    weights.kind === 'lora'
      ? `LoRA r=${config.lora_rank} alpha=${config.lora_alpha} on ${config.target_modules}`
      : 'full fine-tuning';
  const count = weights.parameters.reduce((n, v) => n + v.size, 0).toLocaleString('en-US');
  log(
    `${what}: ${count} trainable parameters${config.gradient_checkpointing ? ', activation checkpointing per layer' : ''}`,
  );
  try {
    const task = new CausalLmTask({
      model,
      weights,
      padTokenId: parts.padTokenId,
      padToMultipleOf: parts.padToMultipleOf,
      packed: parts.packed,
      neftune: parts.neftune,
      saveExtras: (dir) => tokenizer.save(dir),
    });
    const trainer = new Trainer({
      args: trainingArguments(config),
      task,
      trainDataset: parts.train,
      evalDataset: parts.eval.length > 0 ? parts.eval : undefined,
      exampleLength: (row) => row.inputIds.length,
      callbacks: run.callbacks,
      log,
      progress: run.progress,
      handleSignals: run.handleSignals,
    });
    const result = await trainer.train();
    const outputDir = config.output_dir;
    const done = result.stopReason === 'completed';
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
        perplexity: evalMetrics.eval_perplexity,
        epoch: result.metrics.epoch,
      };
      await writeTextAtomic(join(outputDir, 'eval_results.json'), `${JSON.stringify(record, null, 2)}\n`);
      log(
        `eval: loss ${evalMetrics.eval_loss.toFixed(4)}, perplexity ${evalMetrics.eval_perplexity.toPrecision(5)} (${parts.eval.length} rows)`,
      );
    }
    return {
      train: result,
      outputDir,
      saved: done ? (weights.kind === 'lora' ? 'adapter' : 'model') : null,
      evalMetrics,
      trainRows: parts.train.length,
      evalRows: parts.eval.length,
    };
  } finally {
    weights.dispose();
  }
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
