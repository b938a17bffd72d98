import type { GenerationConfig } from '../config/generation-config.js';
import type { SamplingSettings } from './sampling/select-next-token.js';

/** What a caller may set for one generate call; unset fields come from generation_config.json. */
export interface GenerateOptions {
  /** New tokens per row (default generation_config's max_new_tokens, else max_length minus the prompt). */
  maxNewTokens?: number;
  /** Sample instead of greedy decoding. Default generation_config's do_sample. */
  doSample?: boolean;
  /** 0 means greedy decoding whatever doSample says. */
  temperature?: number;
  /** 0 disables. */
  topK?: number;
  topP?: number;
  /** null disables. */
  minP?: number | null;
  repetitionPenalty?: number;
  /** Ids that end a row (kept in its output). Default generation_config's eos_token_id; [] for none. */
  eosTokenIds?: readonly number[];
  /** Further ids that end a row. */
  stopTokenIds?: readonly number[];
  /** Texts that end a row; the text output stops before them. Needs a tokenizer. */
  stopStrings?: readonly string[];
  /** Seed of the sampling stream (core-tensor's Philox generator). Default: random. */
  seed?: number | bigint;
  /** Pad id for left padding and finished rows. Default pad_token_id, else the first eos id. */
  padTokenId?: number;
}

export interface GenerationSettings extends SamplingSettings {
  maxNewTokens: number;
  stopIds: Set<number>;
  stopStrings: string[];
  padTokenId: number | null;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new RangeError(`generate: ${what}`);
}

/** Options over generation_config.json over transformers' defaults, validated. */
export function resolveGenerationSettings(
  g: GenerationConfig,
  o: GenerateOptions,
  promptLength: number,
): GenerationSettings {
  if (g.unsupported.length > 0) {
    throw new Error(
      `generate: generation_config.json sets ${g.unsupported.join(', ')}, which generate does not implement; ` +
        'remove them from the file (or from model.generationConfig.unsupported to ignore them)',
    );
  }
  const temperature = o.temperature ?? g.temperature;
  const settings: GenerationSettings = {
    doSample: (o.doSample ?? g.doSample) && temperature !== 0,
    temperature: temperature === 0 ? 1 : temperature,
    topK: o.topK ?? g.topK,
    topP: o.topP ?? g.topP,
    minP: o.minP === undefined ? g.minP : o.minP,
    repetitionPenalty: o.repetitionPenalty ?? g.repetitionPenalty,
    maxNewTokens: o.maxNewTokens ?? g.maxNewTokens ?? g.maxLength - promptLength,
    stopIds: new Set([...(o.eosTokenIds ?? g.eosTokenIds), ...(o.stopTokenIds ?? [])]),
    stopStrings: [...(o.stopStrings ?? g.stopStrings)],
    padTokenId: o.padTokenId ?? g.padTokenId ?? [...(o.eosTokenIds ?? g.eosTokenIds)][0] ?? null,
  };
  check(temperature >= 0 && Number.isFinite(temperature), `temperature must be >= 0, got ${temperature}`);
  check(
    Number.isInteger(settings.topK) && settings.topK >= 0,
    `topK must be an integer >= 0, got ${settings.topK}`,
  );
  check(settings.topP > 0 && settings.topP <= 1, `topP must be in (0, 1], got ${settings.topP}`);
  check(
    settings.minP === null || (settings.minP >= 0 && settings.minP <= 1),
    `minP must be in [0, 1], got ${settings.minP}`,
  );
  check(settings.repetitionPenalty > 0, `repetitionPenalty must be > 0, got ${settings.repetitionPenalty}`);
  check(
    Number.isInteger(settings.maxNewTokens) && settings.maxNewTokens >= 1,
    `maxNewTokens must be a positive integer, got ${settings.maxNewTokens}` +
      (o.maxNewTokens === undefined && g.maxNewTokens === null
        ? ` (max_length ${g.maxLength} - prompt ${promptLength})`
        : ''),
  );
  check(
    settings.stopStrings.every((s) => typeof s === 'string' && s.length > 0),
    'stop strings must be non-empty strings',
  );
  return settings;
}
