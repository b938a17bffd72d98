import { cleanUpTokenization, stableCleanupPrefix } from './clean-up-tokenization.js';
import type { Tokenizer } from './tokenizer.js';
import { TokenizerError } from './tokenizer-error.js';

const REPLACEMENT_CHAR = '\uFFFD';

export interface StreamingDetokenizerOptions {
  /** Drop special tokens, as `decode(ids, { skipSpecialTokens: true })`. Default false. */
  skipSpecialTokens?: boolean;
  /** transformers' clean-up of spaces before punctuation; default: the tokenizer's setting. */
  cleanUpTokenizationSpaces?: boolean;
}

/**
 * Turns generated token ids into text deltas as they arrive. A delta never ends inside a UTF-8
 * character (byte-level BPE and `<0xXX>` byte-fallback tokens that split a Chinese character or an
 * emoji are held until it completes), and the concatenation of all deltas plus `flush()` equals
 * `tokenizer.decode(allIds, sameOptions)`.
 *
 * Each step decodes a small window: the tokens already emitted at the previous step (context, so
 * SentencePiece's leading-space rule and byte groups come out as in a full decode) plus the new
 * ones, and emits what the new ones added. With clean-up on, text that a later token could still
 * change (` .`, ` n't`...) is held back.
 */
export class StreamingDetokenizer {
  private readonly skipSpecialTokens: boolean;
  private readonly cleanUp: boolean;
  // Tokens of the current window; those before `readIndex` were fully emitted as `prefixText`.
  private window: number[] = [];
  private readIndex = 0;
  private prefixText = '';
  // Characters after prefixText that were already emitted (the part before a held-back tail).
  private emittedAfterPrefix = 0;
  // Raw text waiting for the clean-up rule to become final.
  private pendingCleanup = '';

  constructor(
    private readonly tokenizer: Tokenizer,
    options: StreamingDetokenizerOptions = {},
  ) {
    this.skipSpecialTokens = options.skipSpecialTokens ?? false;
    this.cleanUp = options.cleanUpTokenizationSpaces ?? tokenizer.cleanUpTokenizationSpaces;
  }

  /** Adds one token id; returns the text that became final (often `''`). */
  push(id: number): string {
    this.window.push(id);
    const added = this.windowText();
    const held = trailingReplacementChars(added);
    const stable = added.length - held;
    const delta = stable > this.emittedAfterPrefix ? added.slice(this.emittedAfterPrefix, stable) : '';
    this.emittedAfterPrefix = Math.max(this.emittedAfterPrefix, stable);
    // Slide the window only past text that is complete and non-empty: a window that starts with
    // tokens decoding to nothing would let the next token lose its leading space to Strip/Metaspace.
    if (held === 0 && added.length > 0) this.slideWindow();
    return this.clean(delta);
  }

  /** Adds several ids; returns the concatenation of their deltas. */
  pushMany(ids: Iterable<number>): string {
    let text = '';
    for (const id of ids) text += this.push(id);
    return text;
  }

  /** Ends the stream: returns everything held back (an incomplete character decodes to U+FFFD). */
  flush(): string {
    const rest = this.windowText().slice(this.emittedAfterPrefix);
    const text = this.cleanUp ? cleanUpTokenization(this.pendingCleanup + rest) : rest;
    this.window = [];
    this.readIndex = 0;
    this.prefixText = '';
    this.emittedAfterPrefix = 0;
    this.pendingCleanup = '';
    return text;
  }

  /** Text the window's unemitted tokens add after the already-emitted prefix (no clean-up). */
  private windowText(): string {
    const full = this.decode(this.window);
    if (!full.startsWith(this.prefixText)) {
      throw new TokenizerError(
        "this tokenizer's decoder rewrites text across tokens, so it cannot be streamed",
        {
          field: 'decoder',
          expected:
            'a decoder whose output for more tokens extends its output for fewer (ByteLevel, Metaspace, ByteFallback...)',
          hint: `decoding [${this.window}] gave ${JSON.stringify(full)}, not an extension of ${JSON.stringify(this.prefixText)}`,
        },
      );
    }
    return full.slice(this.prefixText.length);
  }

  private slideWindow(): void {
    this.window = this.window.slice(this.readIndex);
    this.readIndex = this.window.length;
    this.prefixText = this.decode(this.window);
    this.emittedAfterPrefix = 0;
  }

  private decode(ids: number[]): string {
    return this.tokenizer.decode(ids, {
      skipSpecialTokens: this.skipSpecialTokens,
      cleanUpTokenizationSpaces: false,
    });
  }

  /** Passes raw text through clean-up, holding back the tail a later token could still change. */
  private clean(raw: string): string {
    if (!this.cleanUp || raw === '') return raw;
    this.pendingCleanup += raw;
    const cut = stableCleanupPrefix(this.pendingCleanup);
    const ready = this.pendingCleanup.slice(0, cut);
    this.pendingCleanup = this.pendingCleanup.slice(cut);
    return cleanUpTokenization(ready);
  }
}

function trailingReplacementChars(text: string): number {
  let n = 0;
  while (n < text.length && text[text.length - 1 - n] === REPLACEMENT_CHAR) n++;
  return n;
}
