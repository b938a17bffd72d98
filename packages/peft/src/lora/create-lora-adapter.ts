import { Generator, initTensor, tf } from '@medgpt/core-tensor';
import { isQuantizedWeight, type CausalLM } from '@medgpt/models';
import type { LoraConfig } from '../config/lora-config.js';
import type { TargetModule } from '../config/resolve-targets.js';
import { adapterLayout } from './adapter-layout.js';
import { LoraAdapter, type LoraModule } from './lora-adapter.js';
import { adapterVariable, loraVariableName, savedParameterVariableName } from './variable-name.js';
import { weightNorm } from './weight-norm.js';

// torch.nn.Linear's default weight init, which peft uses for lora_A (and for lora_B with init false).
const LINEAR_DEFAULT = { kind: 'kaiming_uniform', a: Math.sqrt(5) } as const;

function initFactors(
  t: TargetModule,
  init: LoraConfig['init_lora_weights'],
  rng: Generator,
): [tf.Tensor, tf.Tensor] {
  const aShape = [t.r, t.inFeatures];
  const bShape = [t.outFeatures, t.r];
  if (init === 'gaussian')
    return [initTensor(aShape, { kind: 'normal', std: 1 / t.r }, rng), tf.zeros(bShape)];
  const a = initTensor(aShape, LINEAR_DEFAULT, rng);
  return [a, init ? tf.zeros(bShape) : initTensor(bShape, LINEAR_DEFAULT, rng)];
}

/**
 * A new adapter `name` of `config` for `model`, initialised as peft does (see InitLoraWeights), drawing
 * from `rng` in module order (A then B). DoRA magnitudes start at ||W + s·BA|| per row, so a fresh DoRA
 * adapter with B = 0 leaves the output unchanged. Copies of the trained base parameters start equal.
 */
export function createLoraAdapter(
  model: CausalLM,
  name: string,
  config: LoraConfig,
  rng: Generator,
): LoraAdapter {
  const layout = adapterLayout(config, model, `adapter '${name}'`);
  const made: tf.Variable[] = [];
  const keep = (v: tf.Variable) => (made.push(v), v);
  try {
    const modules = new Map<string, LoraModule>();
    for (const t of layout.targets) {
      const [a, b] = initFactors(t, config.init_lora_weights, rng);
      const loraA = keep(adapterVariable(a, loraVariableName(t.module, 'lora_A', name), true, name));
      const loraB = keep(adapterVariable(b, loraVariableName(t.module, 'lora_B', name), true, name));
      tf.dispose([a, b]);
      let magnitude: tf.Variable | null = null;
      if (config.use_dora) {
        const base = model.linearWeight(`${t.module}.weight`);
        const n = tf.tidy(() => {
          const w = isQuantizedWeight(base) ? base.dequantize() : base;
          return weightNorm(w, loraA as tf.Tensor2D, loraB as tf.Tensor2D, t.scale);
        });
        magnitude = keep(
          adapterVariable(n, loraVariableName(t.module, 'lora_magnitude_vector', name), true, name),
        );
        n.dispose();
      }
      modules.set(t.module, { ...t, loraA, loraB, magnitude });
    }
    const parameters = new Map<string, tf.Variable>();
    for (const p of layout.parameters) {
      parameters.set(
        p,
        keep(adapterVariable(model.weight(p), savedParameterVariableName(p, name), true, name)),
      );
    }
    return new LoraAdapter(name, config, modules, parameters);
  } catch (e) {
    tf.dispose(made);
    throw e;
  }
}
