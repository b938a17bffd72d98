import { jsonPreview } from '@medgpt/json-preview';
import type { ConfigReader } from '../../config/config-reader.js';
import type { ArchitectureDifferences } from '../architecture.js';

// Baichuan2's vocabulary: vLLM's rule for telling Baichuan2 (NormHead) from Baichuan 1.
const BAICHUAN2_VOCAB = 125_696;

/**
 * Baichuan and Baichuan2 share model_type `baichuan`; their remote code differs by checkpoint. Read
 * from config.json the way the released configs tell them apart:
 * - RoPE (7B) when `max_position_embeddings` is present, ALiBi (13B) when only `model_max_length` is;
 * - Baichuan2's NormHead when `z_loss_weight` is present (only Baichuan2's config class has it) or the
 *   vocabulary is Baichuan2's 125,696 tokens.
 * q/k/v are one W_pack projection without bias, every head has its own k/v, embeddings are untied.
 */
export function readBaichuanDifferences(r: ConfigReader, layers: number): ArchitectureDifferences {
  const heads = r.raw.num_attention_heads;
  if (r.has('num_key_value_heads') && r.raw.num_key_value_heads !== heads)
    r.fail(
      'num_key_value_heads',
      `is ${jsonPreview(r.raw.num_key_value_heads)}; Baichuan's W_pack gives every head its own k/v (${jsonPreview(heads)})`,
    );
  const hidden = r.raw.hidden_size;
  if (r.has('head_dim') && typeof heads === 'number' && r.raw.head_dim !== (hidden as number) / heads)
    r.fail(
      'head_dim',
      `is ${jsonPreview(r.raw.head_dim)}; Baichuan's heads are hidden_size / num_attention_heads`,
    );
  if (r.bool('tie_word_embeddings', false))
    r.fail('tie_word_embeddings', 'is true; Baichuan checkpoints store their own lm_head.weight (false)');
  const zLoss = r.value('z_loss_weight');
  if (zLoss !== undefined && zLoss !== 0)
    r.fail('z_loss_weight', `is ${jsonPreview(zLoss)}; expected 0 (the z-loss term is not implemented)`);
  r.accept('gradient_checkpointing');
  const normHead = r.raw.z_loss_weight !== undefined || r.raw.vocab_size === BAICHUAN2_VOCAB;
  return {
    qkvBias: false,
    outputBias: false,
    mlpBias: false,
    qkNorm: false,
    slidingWindows: new Array<null>(layers).fill(null),
    packedQkv: true,
    positionEncoding: r.raw.max_position_embeddings == null ? 'alibi' : 'rope',
    ...(normHead ? { normHead: true } : {}),
  };
}
