import type { tf } from '@medgpt/core-tensor';
import type { CausalLM } from '@medgpt/models';
import type { PeftModel } from '@medgpt/peft';
import type { CompletionBatch } from '../logps/completion-batch.js';
import { frozenLogps } from '../logps/frozen-logps.js';

/** The frozen model DPO and KTO measure the policy against. */
export interface ReferenceModel {
  /** What it is, for the log. */
  readonly description: string;
  /** Summed completion log-probs [rows] of a batch, computed off the tape (torch's no_grad). */
  logps(batch: CompletionBatch): tf.Tensor1D;
  /** Frees what it holds of its own (a loaded model); a shared base is left alone. */
  dispose(): void;
}

/** The base model under the LoRA adapters, with them switched off (TRL's reference when ref_model is None). */
export function adapterDisabledReference(peft: PeftModel): ReferenceModel {
  return {
    description: 'the base model with the LoRA adapters disabled',
    logps: (batch) => peft.withAdaptersDisabled(() => frozenLogps(peft.model, batch)),
    dispose: () => undefined,
  };
}

/** A model of its own used as the reference (a frozen copy of the base, or --reference_model). */
export function modelReference(model: CausalLM, description: string, owned: boolean): ReferenceModel {
  return {
    description,
    logps: (batch) => frozenLogps(model, batch),
    dispose: () => {
      if (owned) model.dispose();
    },
  };
}
