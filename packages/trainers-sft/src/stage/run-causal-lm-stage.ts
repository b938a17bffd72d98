import type { LabeledSequence } from '@medgpt/data';
import type { CausalLM } from '@medgpt/models';
import type { Tokenizer } from '@medgpt/tokenizer';
import { runStage, type StageConfig, type StageResult, type StageRunOptions } from '@medgpt/trainer';
import { CausalLmTask } from './causal-lm-task.js';
import type { NeftuneScale } from './neftune.js';

export interface CausalLmStageParts {
  config: StageConfig;
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
 * PT and SFT after their data is made: the shared stage run (full or LoRA weights, the Trainer, the
 * final save and evaluation) with a causal-LM task, and MedicalGPT's perplexity in eval_results.json.
 */
export function runCausalLmStage(parts: CausalLmStageParts): Promise<StageResult> {
  const { tokenizer } = parts;
  return runStage({
    config: parts.config,
    model: parts.model,
    tokenizer,
    train: parts.train,
    eval: parts.eval,
    task: (weights) =>
      new CausalLmTask({
        model: parts.model,
        weights,
        padTokenId: parts.padTokenId,
        padToMultipleOf: parts.padToMultipleOf,
        packed: parts.packed,
        neftune: parts.neftune,
        saveExtras: (dir) => tokenizer.save(dir),
      }),
    exampleLength: (row) => row.inputIds.length,
    evalRecord: (m) => ({ perplexity: m.eval_perplexity }),
    describeEval: (m) => `loss ${m.eval_loss.toFixed(4)}, perplexity ${m.eval_perplexity.toPrecision(5)}`,
    run: parts.run,
  });
}
