import { join } from 'node:path';
import { SafetensorsFile, tf, type GeneratorState } from '@medgpt/core-tensor';
import { resolveModelDir } from '@medgpt/hub';
import type { CausalLM } from '@medgpt/models';
import {
  ADAPTER_WEIGHTS_FILE,
  medicalGptLoraConfig,
  PeftModel,
  peftTensorNames,
  type TaskType,
} from '@medgpt/peft';
import { holdFrozenWeightsInBf16 } from '@medgpt/quant';
import type { LoraOptions } from './model-options.js';
import type { StageHubOptions } from './stage-hub-options.js';
import type { TrainableWeights } from './trainable-weights.js';

export interface LoraWeights extends TrainableWeights {
  readonly peft: PeftModel;
  /** LoRA dropout's stream, saved with checkpoints so a resumed run draws the same masks. */
  randomState(): GeneratorState;
  setRandomState(state: unknown): void;
}

/**
 * LoRA (MedicalGPT's --use_peft): the base weights stay frozen tensors and only the adapter trains.
 * A new adapter is made from the LoRA flags (its A factors drawn from `seed`, as peft draws them from
 * torch's seeded RNG), or --peft_path's adapter (a directory or a Hub id, see `hub`) is loaded
 * trainable. Checkpoints and the final output
 * are peft adapter dirs (adapter_config.json + adapter_model.safetensors) that Python peft loads.
 * A bf16 base (--torch_dtype bfloat16, or auto on a bf16 checkpoint) is then held in bf16 as
 * transformers holds it (quant's holdFrozenWeightsInBf16: the frozen embeddings, head and decoder
 * linears; lossless, as the values are bf16 already): on cuda 2 bytes a weight instead of 4, since
 * only the gather and matmuls read them (a 7B base: 12.6 GiB, not 25). DoRA reads its weights' row
 * norms, so under DoRA the decoder linears stay float32.
 */
export async function loraWeights(
  model: CausalLM,
  options: LoraOptions & { model_name_or_path: string },
  seed: number,
  /** peft's task: SEQ_CLS for a reward model (its score head trains in full with the adapter). */
  taskType: TaskType = 'CAUSAL_LM',
  hub: StageHubOptions = {},
): Promise<LoraWeights> {
  const adapterDir = options.peft_path
    ? await resolveModelDir(options.peft_path, { ...hub, kind: 'adapter', option: 'peft_path' })
    : null;
  const peft = new PeftModel(model, { seed });
  if (adapterDir) await peft.loadAdapter(adapterDir, 'default', { trainable: true });
  else {
    const config = medicalGptLoraConfig({ ...options, task_type: taskType }, options.model_name_or_path);
    peft.addAdapter('default', config, { seed });
  }
  const dora = [...peft.adapter('default').modules.values()].some((m) => m.magnitude !== null);
  holdFrozenWeightsInBf16(model, { linears: !dora });
  const parameters = peft.trainableVariables();
  return {
    kind: 'lora',
    peft,
    parameters,
    setTraining: (training) => void (peft.training = training),
    dispose: () => peft.dispose(),
    save: async (dir) => void (await peft.saveAdapter(dir)),
    load: async (dir) => {
      const file = await SafetensorsFile.open(join(dir, ADAPTER_WEIGHTS_FILE));
      try {
        for (const [name, variable] of peftTensorNames(peft.adapter('default'))) {
          const saved = await file.readTensor(name);
          (variable as tf.Variable).assign(saved);
          saved.dispose();
        }
      } finally {
        await file.close();
      }
    },
    randomState: () => peft.rng.getState(),
    setRandomState: (state) => peft.rng.setState(state as GeneratorState),
  };
}
