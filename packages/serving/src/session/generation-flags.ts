import type { GenerateOptions } from '@medgpt/models';
import { ServingError } from '../serving-error.js';
import type { InferenceSettings } from './inference-settings.js';

/** demo/inference.py's defaults, used where neither a flag nor generation_config.json sets a value. */
export const MEDICALGPT_GENERATION_DEFAULTS = { max_new_tokens: 512, temperature: 0.7 } as const;

type GenerationFlags = Pick<
  InferenceSettings,
  'max_new_tokens' | 'temperature' | 'top_p' | 'top_k' | 'repetition_penalty' | 'do_sample'
>;

/**
 * The sampling options of a run: each flag, else the model's generation_config.json, else
 * inference.py's default. As in inference.py, `--temperature 0` means greedy and an explicit
 * temperature decides sampling (`do_sample = temperature > 0`) unless `--do_sample` is given too.
 * Unset top_p / top_k / repetition_penalty are left to generate, which reads generation_config.json.
 */
export function resolveGenerationFlags(
  flags: GenerationFlags,
  generationConfig: Readonly<Record<string, unknown>> | null,
): GenerateOptions {
  checkGenerationFlags(flags);
  const raw = generationConfig ?? {};
  const temperature =
    flags.temperature ?? numberKey(raw, 'temperature') ?? MEDICALGPT_GENERATION_DEFAULTS.temperature;
  const configSample = typeof raw.do_sample === 'boolean' ? raw.do_sample : undefined;
  const doSample =
    flags.do_sample ??
    (flags.temperature !== undefined ? temperature > 0 : (configSample ?? temperature > 0));
  return {
    maxNewTokens:
      flags.max_new_tokens ??
      numberKey(raw, 'max_new_tokens') ??
      MEDICALGPT_GENERATION_DEFAULTS.max_new_tokens,
    temperature,
    doSample,
    ...(flags.top_p !== undefined ? { topP: flags.top_p } : {}),
    ...(flags.top_k !== undefined ? { topK: flags.top_k } : {}),
    ...(flags.repetition_penalty !== undefined ? { repetitionPenalty: flags.repetition_penalty } : {}),
  };
}

function numberKey(raw: Readonly<Record<string, unknown>>, key: string): number | undefined {
  const value = raw[key];
  return typeof value === 'number' ? value : undefined;
}

/** Refuses out-of-range generation settings, naming the setting (`invalid-option`, with `param`). */
export function checkGenerationFlags(flags: GenerationFlags): void {
  const fail = (flag: string, rule: string, value: number) => {
    throw new ServingError('invalid-option', `${flag} must be ${rule}, got ${value}`, flag);
  };
  const { max_new_tokens: n, temperature: t, top_p: p, top_k: k, repetition_penalty: r } = flags;
  if (n !== undefined && n < 1) fail('max_new_tokens', 'at least 1', n);
  if (t !== undefined && t < 0) fail('temperature', '>= 0', t);
  if (p !== undefined && !(p > 0 && p <= 1)) fail('top_p', 'in (0, 1]', p);
  if (k !== undefined && k < 0) fail('top_k', '>= 0', k);
  if (r !== undefined && !(r > 0)) fail('repetition_penalty', '> 0', r);
}
