import type { CausalLM } from '@medgpt/models';
import { SEQ_CLS_HEADS, type LoraConfig } from '../config/lora-config.js';
import { resolveModulesToSave } from '../config/resolve-modules-to-save.js';
import { resolveTargets, type TargetModule } from '../config/resolve-targets.js';

/** What an adapter of `config` holds on `model`: the adapted layers and the base parameters it trains. */
export interface AdapterLayout {
  targets: TargetModule[];
  /** HF names of the parameters copied and trained in full: modules_to_save, then trained biases. */
  parameters: string[];
}

/**
 * The layout peft would give `config` on this model: LoRA targets, modules_to_save parameters, and the
 * biases `bias` trains ('all': every bias of the model; 'lora_only': those of adapted layers).
 */
export function adapterLayout(config: LoraConfig, model: CausalLM, where: string): AdapterLayout {
  const targets = resolveTargets(config, model.config, where);
  const optional = config.task_type === 'SEQ_CLS' ? SEQ_CLS_HEADS : [];
  const saved = resolveModulesToSave(config.modules_to_save, model.config, where, optional);
  const names = [...model.weights.keys()];
  const targetSet = new Set(targets.map((t) => t.module));
  const biases =
    config.bias === 'all'
      ? names.filter((n) => n.endsWith('.bias'))
      : config.bias === 'lora_only'
        ? names.filter((n) => n.endsWith('.bias') && targetSet.has(n.slice(0, -'.bias'.length)))
        : [];
  return { targets, parameters: [...new Set([...saved, ...biases])] };
}
