import { Generator, type tf } from '@medgpt/core-tensor';
import { StreamingDetokenizer, type Tokenizer } from '@medgpt/tokenizer';
import type { CausalLM } from '../model/causal-lm.js';
import { KvCache } from '../model/kv-cache.js';
import { requireLmHead } from '../model/require-lm-head.js';
import { hostPositionIds } from '../model/position-ids.js';
import {
  resolveGenerationSettings,
  type GenerateOptions,
  type GenerationSettings,
} from './generation-settings.js';
import { leftPadBatch, type GenerationInput } from './left-pad-batch.js';
import { selectNextToken } from './sampling/select-next-token.js';
import { StopStringFilter } from './stop-string-filter.js';

export type FinishReason = 'stop' | 'length';

export interface StreamOptions extends GenerateOptions {
  /** Turns tokens into text deltas (UTF-8 safe); required for stop strings. */
  tokenizer?: Tokenizer;
  /** Leave special tokens out of the text. Default true. */
  skipSpecialTokens?: boolean;
}

/** What one row produced at one step. */
export interface GenerationEvent {
  row: number;
  tokenId: number;
  /** Text that became final with this token ('' without a tokenizer); never part of a stop string. */
  text: string;
  /** Set on the row's last event. */
  finishReason: FinishReason | null;
}

/** Per-row bookkeeping of a generation. */
class RowState {
  finished = false;
  count = 0;
  readonly seen: number[];
  private readonly detokenizer: StreamingDetokenizer | null;
  private readonly stops: StopStringFilter | null;

  constructor(prompt: number[], settings: GenerationSettings, options: StreamOptions) {
    this.seen = settings.repetitionPenalty !== 1 ? [...prompt] : [];
    const tokenizer = options.tokenizer;
    this.detokenizer = tokenizer
      ? new StreamingDetokenizer(tokenizer, { skipSpecialTokens: options.skipSpecialTokens ?? true })
      : null;
    this.stops = settings.stopStrings.length > 0 ? new StopStringFilter(settings.stopStrings) : null;
  }

  /** Records a new token; returns its event. */
  add(row: number, token: number, settings: GenerationSettings): GenerationEvent {
    this.count++;
    if (settings.repetitionPenalty !== 1) this.seen.push(token);
    let text = this.detokenizer?.push(token) ?? '';
    if (this.stops) text = this.stops.push(text);
    let reason: FinishReason | null = null;
    if (settings.stopIds.has(token) || this.stops?.stopped) reason = 'stop';
    else if (this.count >= settings.maxNewTokens) reason = 'length';
    if (reason !== null) {
      this.finished = true;
      if (!this.stops?.stopped) {
        const rest = this.detokenizer?.flush() ?? '';
        text += this.stops ? this.stops.push(rest) + this.stops.flush() : rest;
      }
    }
    return { row, tokenId: token, text, finishReason: reason };
  }
}

function promptLength(input: GenerationInput): number {
  const rows = Array.isArray(input)
    ? (input as readonly (readonly number[])[])
    : (input as { inputIds: readonly (readonly number[])[] }).inputIds;
  return Math.max(0, ...rows.map((r) => r.length));
}

function randomSeed(): bigint {
  const words = crypto.getRandomValues(new Uint32Array(2));
  return (BigInt(words[0]!) << 32n) | BigInt(words[1]!);
}

/**
 * Generates from a batch of prompts with a KV cache, one step at a time: yields, per step, an event
 * for every row still running. Rows are left-padded; position ids follow the attention mask as in
 * transformers' generate, so greedy output matches it token for token. Breaking out of the loop frees
 * the cache.
 */
export async function* generateEvents(
  model: CausalLM,
  input: GenerationInput,
  options: StreamOptions = {},
): AsyncGenerator<GenerationEvent[], void, undefined> {
  requireLmHead(model.config, 'generate');
  const settings = resolveGenerationSettings(model.generationConfig, options, promptLength(input));
  const { ids, mask } = leftPadBatch(input, settings.padTokenId);
  if (settings.stopStrings.length > 0 && options.tokenizer === undefined) {
    throw new Error('generate: stop strings need a tokenizer (options.tokenizer)');
  }
  const vocab = model.config.vocabSize;
  const rows = ids.map((r) => new RowState(r, settings, options));
  const rng = new Generator(options.seed ?? randomSeed());
  const cache = new KvCache(model.config, ids.length, ids[0]!.length + settings.maxNewTokens);
  let logits: tf.Tensor2D | null = null;
  try {
    const nextPosition = mask.map((r) => r.reduce((a, b) => a + b, 0));
    logits = model.step(
      cache,
      ids,
      mask,
      mask.map((r) => Array.from(hostPositionIds(r))),
    );
    while (true) {
      const data = (await logits.data()) as Float32Array;
      logits.dispose();
      logits = null;
      const events: GenerationEvent[] = [];
      const next = rows.map((state, b) => {
        if (state.finished) return settings.padTokenId ?? 0;
        const token = selectNextToken(data.subarray(b * vocab, (b + 1) * vocab), state.seen, settings, rng);
        events.push(state.add(b, token, settings));
        return token;
      });
      yield events;
      if (rows.every((s) => s.finished)) return;
      logits = model.step(
        cache,
        next.map((t) => [t]),
        next.map(() => [1]),
        nextPosition.map((p) => [p]),
      );
      for (let b = 0; b < nextPosition.length; b++) nextPosition[b]!++;
    }
  } finally {
    logits?.dispose();
    cache.dispose();
  }
}
