import { jsonPreview } from '@medgpt/json-preview';
import { ConfigReader, isJsonObject, type JsonObject } from './config-reader.js';
import type { ModelConfig } from './model-config.js';
import { ModelError } from '../model-error.js';

/** generation_config.json with transformers' defaults filled in (names in camelCase). */
export interface GenerationConfig {
  /** Sample (true) or take the most likely token (false). Default false. */
  doSample: boolean;
  /** Default 1. */
  temperature: number;
  /** Keep the k most likely tokens; 0 disables. Default 50 (transformers' default, used when sampling). */
  topK: number;
  /** Nucleus sampling mass; 1 disables. Default 1. */
  topP: number;
  /** Drop tokens below minP times the top probability; null disables. Default null. */
  minP: number | null;
  /** CTRL-style penalty on tokens already in the sequence; 1 disables. Default 1. */
  repetitionPenalty: number;
  /** New tokens to generate; null means `maxLength` minus the prompt. */
  maxNewTokens: number | null;
  /** Prompt plus new tokens, used when maxNewTokens is null. Default 20. */
  maxLength: number;
  eosTokenIds: number[];
  padTokenId: number | null;
  bosTokenId: number | null;
  stopStrings: string[];
  /** Keys set to values this package cannot honour (beam search, typical_p...); generate refuses them. */
  unsupported: string[];
}

// Keys whose non-default values change the output in ways generate does not implement.
const UNSUPPORTED: Record<string, (v: unknown) => boolean> = {
  num_beams: (v) => typeof v === 'number' && v > 1,
  num_beam_groups: (v) => typeof v === 'number' && v > 1,
  penalty_alpha: (v) => typeof v === 'number' && v > 0,
  typical_p: (v) => typeof v === 'number' && v < 1,
  epsilon_cutoff: (v) => typeof v === 'number' && v > 0,
  eta_cutoff: (v) => typeof v === 'number' && v > 0,
  encoder_repetition_penalty: (v) => typeof v === 'number' && v !== 1,
  no_repeat_ngram_size: (v) => typeof v === 'number' && v > 0,
  min_length: (v) => typeof v === 'number' && v > 0,
  min_new_tokens: (v) => typeof v === 'number' && v > 0,
  num_return_sequences: (v) => typeof v === 'number' && v > 1,
  guidance_scale: (v) => typeof v === 'number' && v !== 1,
  bad_words_ids: (v) => Array.isArray(v) && v.length > 0,
  force_words_ids: (v) => Array.isArray(v) && v.length > 0,
  sequence_bias: (v) => isJsonObject(v) && Object.keys(v).length > 0,
  suppress_tokens: (v) => Array.isArray(v) && v.length > 0,
  begin_suppress_tokens: (v) => Array.isArray(v) && v.length > 0,
  forced_bos_token_id: (v) => typeof v === 'number',
  forced_eos_token_id: (v) => typeof v === 'number' || Array.isArray(v),
  exponential_decay_length_penalty: (v) => Array.isArray(v),
  max_time: (v) => typeof v === 'number',
  token_healing: (v) => v === true,
  dola_layers: (v) => typeof v === 'string' || Array.isArray(v),
  watermarking_config: (v) => isJsonObject(v),
};

/** The defaults transformers uses when a model has no generation_config.json: its config's token ids. */
export function defaultGenerationConfig(config: ModelConfig): GenerationConfig {
  return parseGenerationConfig(
    { bos_token_id: config.bosTokenId, eos_token_id: config.eosTokenIds, pad_token_id: config.padTokenId },
    '<defaults>',
  );
}

/** Parses generation_config.json; type errors name the file and key. */
export function parseGenerationConfig(raw: unknown, file: string): GenerationConfig {
  if (!isJsonObject(raw)) throw new ModelError(file, undefined, 'expected a JSON object');
  const r = new ConfigReader(raw, file);
  const stop = r.value('stop_strings');
  const stopStrings = stop === undefined ? [] : Array.isArray(stop) ? stop : [stop];
  if (!stopStrings.every((s) => typeof s === 'string' && s.length > 0)) {
    r.fail('stop_strings', `is ${jsonPreview(stop)}; expected a non-empty string or a list of them`);
  }
  const minP = r.has('min_p') ? r.numberIn('min_p', 0, 1) : null;
  return {
    doSample: r.bool('do_sample', false),
    temperature: r.numberIn('temperature', 0, Infinity, 1),
    topK: r.nonNegativeInt('top_k', 50),
    topP: r.numberIn('top_p', 0, 1, 1),
    minP,
    repetitionPenalty: r.positiveNumber('repetition_penalty', 1),
    maxNewTokens: r.has('max_new_tokens') ? r.positiveInt('max_new_tokens') : null,
    maxLength: r.positiveInt('max_length', 20),
    eosTokenIds: r.tokenIds('eos_token_id'),
    padTokenId: r.tokenIds('pad_token_id')[0] ?? null,
    bosTokenId: r.tokenIds('bos_token_id')[0] ?? null,
    stopStrings: stopStrings as string[],
    unsupported: Object.entries(UNSUPPORTED)
      .filter(([key, active]) => raw[key] !== undefined && raw[key] !== null && active(raw[key]))
      .map(([key]) => key),
  };
}

/** A generation_config.json for a new model (transformers' spelling). */
export function writeGenerationConfig(g: GenerationConfig): JsonObject {
  const ids = (v: number[]): number | number[] | null => (v.length === 0 ? null : v.length === 1 ? v[0]! : v);
  return {
    bos_token_id: g.bosTokenId,
    eos_token_id: ids(g.eosTokenIds),
    pad_token_id: g.padTokenId,
    do_sample: g.doSample,
    ...(g.temperature !== 1 ? { temperature: g.temperature } : {}),
    ...(g.topK !== 50 ? { top_k: g.topK } : {}),
    ...(g.topP !== 1 ? { top_p: g.topP } : {}),
    ...(g.minP !== null ? { min_p: g.minP } : {}),
    ...(g.repetitionPenalty !== 1 ? { repetition_penalty: g.repetitionPenalty } : {}),
    ...(g.maxNewTokens !== null ? { max_new_tokens: g.maxNewTokens } : {}),
    ...(g.stopStrings.length > 0 ? { stop_strings: g.stopStrings } : {}),
  };
}
