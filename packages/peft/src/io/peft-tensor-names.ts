import type { tf } from '@medgpt/core-tensor';
import type { LoraAdapter } from '../lora/lora-adapter.js';

/** Prefix of every tensor name in a PEFT causal-LM adapter file (PeftModel.base_model.model). */
export const PEFT_PREFIX = 'base_model.model.';

/**
 * The adapter's tensors under the names peft's save_pretrained writes (adapter name removed):
 * `<module>.lora_A.weight` [r, in], `<module>.lora_B.weight` [out, r], DoRA's `<module>.lora_magnitude_vector`
 * [out] (no `.weight`, for compatibility with older peft), modules_to_save as `<module>.<param>` (peft
 * >= 0.15), and trained biases of adapted layers as `<module>.base_layer.bias` (the LoRA layer wraps the
 * original), other biases as `<module>.bias`. Each name starts with `base_model.model.`.
 */
export function peftTensorNames(adapter: LoraAdapter): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const m of adapter.modules.values()) {
    out.set(`${PEFT_PREFIX}${m.module}.lora_A.weight`, m.loraA);
    out.set(`${PEFT_PREFIX}${m.module}.lora_B.weight`, m.loraB);
    if (m.magnitude) out.set(`${PEFT_PREFIX}${m.module}.lora_magnitude_vector`, m.magnitude);
  }
  for (const [param, v] of adapter.parameters) {
    const module = param.slice(0, param.lastIndexOf('.'));
    const wrapped = adapter.modules.has(module) && param.endsWith('.bias');
    out.set(`${PEFT_PREFIX}${wrapped ? `${module}.base_layer.bias` : param}`, v);
  }
  return out;
}

/** What a tensor name of an adapter file refers to. */
export type PeftTensorRole =
  | { kind: 'lora_A' | 'lora_B' | 'magnitude'; module: string }
  | { kind: 'parameter'; param: string }
  | { kind: 'unsupported'; why: string };

/** Parses an adapter file's tensor name (already without PEFT_PREFIX). */
export function peftTensorRole(name: string): PeftTensorRole {
  let m = /^(.+)\.lora_([AB])\.weight$/.exec(name);
  if (m) return { kind: m[2] === 'A' ? 'lora_A' : 'lora_B', module: m[1]! };
  m = /^(.+)\.lora_magnitude_vector(?:\.weight)?$/.exec(name);
  if (m) return { kind: 'magnitude', module: m[1]! };
  if (/\.lora_B\.bias$/.test(name))
    return { kind: 'unsupported', why: 'lora_bias=True adapters (a bias on lora_B)' };
  if (/\.lora_(embedding_[AB]|A|B)\b/.test(name))
    return { kind: 'unsupported', why: 'LoRA on embedding layers' };
  // `.base_layer.` is how a wrapped layer's own tensors appear; `.modules_to_save.` is older peft's form.
  return { kind: 'parameter', param: name.replace('.base_layer.', '.').replace('.modules_to_save.', '.') };
}
