import { Generator } from '@medgpt/core-tensor';
import { StopStringFilter, type GenerationSettings } from '@medgpt/models';
import { StreamingDetokenizer, type Tokenizer } from '@medgpt/tokenizer';
import type { EngineFinishReason, GenerationChunk } from './generation-request.js';

/**
 * One choice of a request while it runs: its slot, tokens so far, its own random stream (so a seeded
 * choice draws the same numbers whatever else is in the batch), and the text it has made final.
 */
export class EngineSequence {
  slot: number | null = null;
  /** Keys cached in the slot: prompt plus generated tokens written so far. */
  cached = 0;
  readonly tokenIds: number[] = [];
  text = '';
  finishReason: EngineFinishReason | null = null;
  /** The whole sequence so far, for the repetition penalty (empty when it is off). */
  readonly seen: number[];
  readonly rng: Generator;
  private readonly detokenizer: StreamingDetokenizer;
  private readonly stops: StopStringFilter | null;

  constructor(
    readonly index: number,
    readonly promptIds: readonly number[],
    readonly settings: GenerationSettings,
    seed: bigint,
    tokenizer: Tokenizer,
    skipSpecialTokens: boolean,
    /** Tokens the slot can still hold after the prompt. */
    private readonly room: number,
  ) {
    this.seen = settings.repetitionPenalty !== 1 ? [...promptIds] : [];
    this.rng = new Generator(seed);
    this.detokenizer = new StreamingDetokenizer(tokenizer, { skipSpecialTokens });
    this.stops = settings.stopStrings.length > 0 ? new StopStringFilter(settings.stopStrings) : null;
  }

  get finished(): boolean {
    return this.finishReason !== null;
  }

  /** Tokens this sequence may still add before it ends by length (max tokens or the slot's room). */
  get tokensLeft(): number {
    return Math.min(this.settings.maxNewTokens, this.room) - this.tokenIds.length;
  }

  /** Records a sampled token (as models' generate does for a row) and returns its chunk. */
  add(token: number): GenerationChunk {
    this.tokenIds.push(token);
    if (this.settings.repetitionPenalty !== 1) this.seen.push(token);
    let text = this.stops ? this.stops.push(this.detokenizer.push(token)) : this.detokenizer.push(token);
    let reason: EngineFinishReason | null = null;
    if (this.settings.stopIds.has(token) || this.stops?.stopped) reason = 'stop';
    else if (this.tokenIds.length >= Math.min(this.settings.maxNewTokens, this.room)) reason = 'length';
    if (reason !== null && !this.stops?.stopped) {
      const rest = this.detokenizer.flush();
      text += this.stops ? this.stops.push(rest) + this.stops.flush() : rest;
    }
    this.finishReason = reason;
    this.text += text;
    return { index: this.index, tokenId: token, text, finishReason: reason };
  }
}
