/**
 * Keys of transformers' PreTrainedConfig (both generations) that do not change a decoder's math, and
 * legacy generation parameters that transformers 5 drops from config.json. Keys starting with `_` are
 * private bookkeeping (`_name_or_path`) and ignored too. `architectures`, `id2label`, `label2id` and
 * `num_labels` choose the head, so readNumLabels reads them.
 */
export const NEUTRAL_CONFIG_KEYS: readonly string[] = [
  'transformers_version',
  'model_type',
  'use_cache',
  'initializer_range',
  'output_hidden_states',
  'output_attentions',
  'return_dict',
  'use_return_dict',
  'torchscript',
  'use_bfloat16',
  'chunk_size_feed_forward',
  // Only the loss of a sequence classifier (regression / single- / multi-label); its forward is the same.
  'problem_type',
  'finetuning_task',
  'tokenizer_class',
  'prefix',
  'sep_token_id',
  'decoder_start_token_id',
  'task_specific_params',
  'tf_legacy_loss',
  'tie_encoder_decoder',
  'is_decoder',
  'cross_attention_hidden_size',
  'auto_map',
  'name_or_path',
  // Splits each linear into slices whose outputs are summed: the same function.
  'pretraining_tp',
  // Generation parameters stored in old config.json files (generation_config.json holds them now).
  'max_length',
  'min_length',
  'do_sample',
  'early_stopping',
  'num_beams',
  'num_beam_groups',
  'diversity_penalty',
  'temperature',
  'top_k',
  'top_p',
  'typical_p',
  'repetition_penalty',
  'length_penalty',
  'no_repeat_ngram_size',
  'encoder_no_repeat_ngram_size',
  'bad_words_ids',
  'num_return_sequences',
  'output_scores',
  'return_dict_in_generate',
  'forced_bos_token_id',
  'forced_eos_token_id',
  'remove_invalid_values',
  'exponential_decay_length_penalty',
  'suppress_tokens',
  'begin_suppress_tokens',
  // Which KV cache class generate() builds (Gemma's "hybrid"): storage, not math.
  'cache_implementation',
];

/** Keys that must hold a value that leaves the math alone; other values are refused. */
export const REQUIRED_VALUES: Readonly<Record<string, { ok: (v: unknown) => boolean; expected: string }>> = {
  attention_dropout: { ok: (v) => v === 0, expected: '0 (attention dropout is not implemented)' },
  is_encoder_decoder: { ok: (v) => v === false, expected: 'false' },
  add_cross_attention: { ok: (v) => v === false, expected: 'false' },
  use_mrope: { ok: (v) => v === false, expected: 'false (multimodal RoPE is not supported)' },
  pruned_heads: {
    ok: (v) => typeof v === 'object' && v !== null && Object.keys(v).length === 0,
    expected: '{}',
  },
};
