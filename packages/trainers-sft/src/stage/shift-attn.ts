import type { OptionDoc } from '@medgpt/trainer';

/** LongLoRA's group size: a quarter of the row (MedicalGPT set config.group_size_ratio = 0.25). */
export const SHIFT_ATTN_GROUP_SIZE_RATIO = 0.25;

/** Rows are padded to a multiple of this with --shift_attn, so that int(T / 4) divides T. */
export const SHIFT_ATTN_PAD_MULTIPLE = 4;

export const SHIFT_ATTN_DOC: OptionDoc = {
  kind: 'boolean',
  help: 'LongLoRA S2-Attn in training (full in eval): groups of 1/4 of the row, half the heads shifted; rows padded to x4; LoRA also trains embed_tokens, norms',
};

/**
 * modules_to_save with LongLoRA's extra trainable modules: the input embeddings (not when the LM head
 * is tied to them, which peft's modules_to_save cannot express here) and every norm (peft's suffix
 * rule: `norm` matches input_layernorm, post_attention_layernorm, model.norm, q_norm ...).
 */
export function longLoraModulesToSave(modulesToSave: string | null, tiedEmbeddings: boolean): string {
  const names = (modulesToSave ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  for (const extra of tiedEmbeddings ? ['norm'] : ['embed_tokens', 'norm'])
    if (!names.includes(extra)) names.push(extra);
  return names.join(',');
}
