import type { LabeledSequence } from '@medgpt/data';
import type { CausalLM } from '@medgpt/models';
import type { Tokenizer } from '@medgpt/tokenizer';
import {
  routerAuxLossCoef,
  runStage,
  type MoeOptions,
  type StageConfig,
  type StageResult,
  type StageRunOptions,
} from '@medgpt/trainer';
import { CausalLmTask } from './causal-lm-task.js';
import type { NeftuneScale } from './neftune.js';

export interface CausalLmStageParts {
  /** The stage's options, with a mixture of experts' load-balancing loss switch and weight. */
  config: StageConfig & MoeOptions;
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
 * A mixture of experts with output_router_logits on adds the routers' load-balancing loss.
 */
export function runCausalLmStage(parts: CausalLmStageParts): Promise<StageResult> {
  const { tokenizer } = parts;
  const auxCoef = routerAuxLossCoef(parts.model, parts.config);
  if (auxCoef !== null) {
    const log = parts.run.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
    log(`router load-balancing loss on (output_router_logits), router_aux_loss_coef ${auxCoef}`);
  }
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
        routerAuxLossCoef: auxCoef,
        saveExtras: (dir) => tokenizer.save(dir),
      }),
    exampleLength: (row) => row.inputIds.length,
    evalRecord: (m) => ({ perplexity: m.eval_perplexity }),
    describeEval: (m) => `loss ${m.eval_loss.toFixed(4)}, perplexity ${m.eval_perplexity.toPrecision(5)}`,
    run: parts.run,
  });
}
