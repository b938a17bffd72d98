import { tf } from '@medgpt/core-tensor';
import { loadWeights, parameterSpecs, saveModel, type CausalLM } from '@medgpt/models';

/**
 * What a stage trains, and how it is saved: every weight of the model (full fine-tuning) or LoRA
 * adapters (use_peft). Checkpoints and the final output hold what `save` writes.
 */
export interface TrainableWeights {
  readonly kind: 'full' | 'lora';
  /** The variables the optimizer updates, named by their HF (or PEFT) names. */
  readonly parameters: tf.Variable[];
  /** Training mode (LoRA dropout on) or evaluation/generation mode. */
  setTraining(training: boolean): void;
  /** A full model dir (config, generation config, float32 safetensors) or an adapter dir. */
  save(dir: string): Promise<void>;
  /** Reads back what save wrote into the trained variables. */
  load(dir: string): Promise<void>;
  /** Frees what they hold beyond the model's own weights (adapters); the model is the caller's. */
  dispose(): void;
  /** Randomness of their own (LoRA dropout), saved with checkpoints. */
  randomState?(): unknown;
  setRandomState?(state: unknown): void;
}

/**
 * Full fine-tuning: every parameter of the model becomes a trainable float32 variable under its HF
 * name (MedicalGPT casts full-parameter runs to float32: `model.float()`). Checkpoints are complete
 * float32 model dirs, so a resumed run continues from the exact weights.
 */
export function fullWeights(model: CausalLM): TrainableWeights {
  const parameters: tf.Variable[] = [];
  for (const { name } of parameterSpecs(model.config)) {
    const weight = model.weight(name);
    if (weight instanceof tf.Variable) {
      parameters.push(weight);
      continue;
    }
    const variable = tf.variable(weight, true, name);
    model.setWeight(name, variable);
    parameters.push(variable);
  }
  return {
    kind: 'full',
    parameters,
    setTraining: () => undefined, // the decoders have no dropout
    dispose: () => undefined, // the variables are the model's weights now: model.dispose() frees them
    save: async (dir) => void (await saveModel(model, dir, { dtype: 'float32' })),
    load: async (dir) => {
      const saved = await loadWeights(dir, model.config, { dtype: 'float32' });
      try {
        for (const variable of parameters) variable.assign(saved.get(variable.name)!);
      } finally {
        tf.dispose([...saved.values()]);
      }
    },
  };
}
