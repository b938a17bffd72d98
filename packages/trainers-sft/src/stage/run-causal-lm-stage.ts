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
import { longLoraModulesToSave, SHIFT_ATTN_GROUP_SIZE_RATIO, SHIFT_ATTN_PAD_MULTIPLE } from './shift-attn.js';

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
  /** --shift_attn: LongLoRA's S²-Attn in training steps (rows padded to a multiple of 4; LoRA also trains embeddings and norms). */
  shiftAttn?: boolean;
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
  let config = parts.config;
  let padToMultipleOf = parts.padToMultipleOf;
  if (parts.shiftAttn) {
    const log = parts.run.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
    padToMultipleOf = lcm(padToMultipleOf ?? 1, SHIFT_ATTN_PAD_MULTIPLE);
    let extra = '';
    if (config.use_peft && config.peft_path === null) {
      const tied = parts.model.config.tieWordEmbeddings;
      config = { ...config, modules_to_save: longLoraModulesToSave(config.modules_to_save, tied) };
      extra = `; trainable with LoRA as in LongLoRA: ${config.modules_to_save}${tied ? ' (embed_tokens is tied to the LM head: not trained)' : ''}`;
    }
    log(
      `shift_attn: S2-Attn in training steps, groups of ${SHIFT_ATTN_GROUP_SIZE_RATIO} of the row, rows padded to a multiple of ${padToMultipleOf}${extra}`,
    );
  }
  return runStage({
    config,
    model: parts.model,
    tokenizer,
    train: parts.train,
    eval: parts.eval,
    task: (weights) =>
      new CausalLmTask({
        model: parts.model,
        weights,
        padTokenId: parts.padTokenId,
        padToMultipleOf,
        packed: parts.packed,
        neftune: parts.neftune,
        shiftedSparseAttention: parts.shiftAttn ? { groupSizeRatio: SHIFT_ATTN_GROUP_SIZE_RATIO } : undefined,
        routerAuxLossCoef: auxCoef,
        saveExtras: (dir) => tokenizer.save(dir),
      }),
    exampleLength: (row) => row.inputIds.length,
    evalRecord: (m) => ({ perplexity: m.eval_perplexity }),
    describeEval: (m) => `loss ${m.eval_loss.toFixed(4)}, perplexity ${m.eval_perplexity.toPrecision(5)}`,
    run: parts.run,
  });
}

function lcm(a: number, b: number): number {
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));
  return (a / gcd(a, b)) * b;
}
