import { join } from 'node:path';

import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';

import { cleanUpTokenization } from './clean-up-tokenization.js';
import { useFastBpeRanks } from './fast-bpe-ranks.js';
import { saveTokenizer } from './save-tokenizer.js';
import { padBatch, type BatchEncoding, type PaddingSide, type PaddingStrategy } from './pad-batch.js';
import { specialTokenAffixes, type SpecialTokenAffixes } from './special-token-affixes.js';
import {
  resolveSpecialTokens,
  specialTokenContent,
  type SpecialToken,
  type SpecialTokenRole,
  type SpecialTokens,
} from './special-tokens.js';
import { setSpecialTokens, type SpecialTokenAssignments } from './set-special-tokens.js';
import { TokenizerError } from './tokenizer-error.js';
import type { SpecialTokensMap, TokenizerConfig, TokenizerJson } from './tokenizer-json.js';
import { truncateIds, type TruncationSide } from './truncate-ids.js';
import { validateTokenizerConfig, validateTokenizerJson } from './validate-tokenizer-json.js';
import { withWordBoundarySplit } from './word-boundary-split.js';

/** The parsed files of a Hugging Face tokenizer directory. */
export interface TokenizerFiles {
  tokenizerJson: TokenizerJson;
  tokenizerConfig?: TokenizerConfig;
  specialTokensMap?: SpecialTokensMap | null;
  /** Contents of chat_template.jinja (newer transformers); wins over tokenizer_config's. */
  chatTemplate?: string | null;
  /** Where the files came from, for error messages (a directory, or `<memory>`). */
  source?: string;
}

export interface EncodeOptions {
  /** Add the post-processor's special tokens (Llama-2's `<s>`). Default true, as in transformers. */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  /** Drop special tokens (`<|im_end|>`, `<s>`...). Default false. */
  skipSpecialTokens?: boolean;
  /** transformers' clean-up of spaces before punctuation; default: tokenizer_config's setting. */
  cleanUpTokenizationSpaces?: boolean;
}

/** Options of `encodeBatch`, with transformers' meaning and defaults. */
export interface EncodeBatchOptions extends EncodeOptions {
  /** Length limit for truncation and for `padding: 'max_length'`. */
  maxLength?: number;
  /** Cut rows to `maxLength` (special tokens included). Default false, as in transformers. */
  truncation?: boolean;
  /** Default: tokenizer_config's `truncation_side`, else `'right'`. */
  truncationSide?: TruncationSide;
  /** Default false (no padding). `true` = `'longest'`. */
  padding?: PaddingStrategy;
  /** Default: tokenizer_config's `padding_side`, else `'right'`. */
  paddingSide?: PaddingSide;
  padToMultipleOf?: number;
  /** Default: the pad token's id. */
  padTokenId?: number;
}

/**
 * A Hugging Face tokenizer (tokenizer.json + tokenizer_config.json) with transformers' semantics:
 * exact ids through @huggingface/tokenizers, special-token roles, batch truncation and padding, and
 * decode with transformers' clean-up rule. Immutable: `withSpecialTokens` returns a new tokenizer.
 */
export class Tokenizer {
  readonly tokenizerJson: TokenizerJson;
  readonly tokenizerConfig: TokenizerConfig;
  readonly specialTokensMap: SpecialTokensMap | null;
  /** The jinja chat template, for the templates package; null when the tokenizer has none. */
  readonly chatTemplate: string | null;
  readonly specialTokens: SpecialTokens;
  /** Number of ids (vocabulary plus added tokens), transformers' `len(tokenizer)`. */
  readonly vocabSize: number;
  readonly source: string;
  private readonly hf: HfTokenizer;
  private readonly specialIds: ReadonlySet<number>;
  private affixes: SpecialTokenAffixes | undefined;

  private constructor(files: TokenizerFiles) {
    this.source = files.source ?? '<memory>';
    this.tokenizerJson = files.tokenizerJson;
    this.tokenizerConfig = files.tokenizerConfig ?? {};
    this.specialTokensMap = files.specialTokensMap ?? null;
    this.chatTemplate = files.chatTemplate ?? configChatTemplate(this.tokenizerConfig);
    this.hf = libraryTokenizer(this.tokenizerJson, this.tokenizerConfig, join(this.source, 'tokenizer.json'));
    useFastBpeRanks(this.hf);
    // The library's id -> token array spans the vocabulary and the added tokens.
    this.vocabSize = this.hf.model?.vocab.length ?? 0;
    this.specialIds = new Set(this.tokenizerJson.added_tokens.filter((t) => t.special).map((t) => t.id));
    this.specialTokens = resolveSpecialTokens(
      this.tokenizerConfig,
      this.specialTokensMap,
      (t) => this.hf.token_to_id(t),
      {
        config: join(this.source, 'tokenizer_config.json'),
        map: join(this.source, 'special_tokens_map.json'),
      },
    );
  }

  /** Builds a tokenizer from parsed files, validating them first. */
  static fromFiles(files: TokenizerFiles): Tokenizer {
    const source = files.source ?? '<memory>';
    return new Tokenizer({
      ...files,
      tokenizerJson: validateTokenizerJson(files.tokenizerJson, join(source, 'tokenizer.json')),
      tokenizerConfig: validateTokenizerConfig(
        files.tokenizerConfig ?? {},
        join(source, 'tokenizer_config.json'),
      ),
      specialTokensMap:
        files.specialTokensMap == null
          ? null
          : (validateTokenizerConfig(
              files.specialTokensMap,
              join(source, 'special_tokens_map.json'),
              'special_tokens_map.json: {"eos_token": ..., ...}',
            ) as SpecialTokensMap),
    });
  }

  get bosToken(): string | null {
    return this.specialTokens.bos?.content ?? null;
  }
  get bosTokenId(): number | null {
    return this.specialTokens.bos?.id ?? null;
  }
  get eosToken(): string | null {
    return this.specialTokens.eos?.content ?? null;
  }
  get eosTokenId(): number | null {
    return this.specialTokens.eos?.id ?? null;
  }
  get padToken(): string | null {
    return this.specialTokens.pad?.content ?? null;
  }
  get padTokenId(): number | null {
    return this.specialTokens.pad?.id ?? null;
  }
  get unkToken(): string | null {
    return this.specialTokens.unk?.content ?? null;
  }
  get unkTokenId(): number | null {
    return this.specialTokens.unk?.id ?? null;
  }
  /** tokenizer_config's `model_max_length` (transformers writes 1e30 for "no limit"). */
  get modelMaxLength(): number {
    return this.tokenizerConfig.model_max_length ?? Number.POSITIVE_INFINITY;
  }
  get paddingSide(): PaddingSide {
    return this.tokenizerConfig.padding_side ?? 'right';
  }
  get truncationSide(): TruncationSide {
    return this.tokenizerConfig.truncation_side ?? 'right';
  }
  /** Whether decode applies transformers' clean-up by default (false when the config is silent). */
  get cleanUpTokenizationSpaces(): boolean {
    return this.tokenizerConfig.clean_up_tokenization_spaces ?? false;
  }

  /** Token ids of `text`, as `tokenizer.encode(text)` in transformers. */
  encode(text: string, options: EncodeOptions = {}): number[] {
    if (typeof text !== 'string') {
      throw new TokenizerError(`encode() got ${typeof text}`, {
        expected: 'a string (use encodeBatch for arrays)',
      });
    }
    const ids = this.hf.encode(text, { add_special_tokens: options.addSpecialTokens ?? true }).ids;
    // The library gives an unknown token no id when the model has no unk_token (Rust tokenizers raises).
    const missing = ids.findIndex((id) => !Number.isInteger(id));
    if (missing >= 0) {
      throw new TokenizerError(`token ${missing} of the text is not in the vocabulary and has no id`, {
        file: join(this.source, 'tokenizer.json'),
        field: 'model.unk_token',
        expected: 'an unk_token in model.vocab, or a vocabulary that covers the text',
      });
    }
    return ids;
  }

  /** Token strings of `text` (no special tokens), as `tokenizer.tokenize(text)`. */
  tokenize(text: string): string[] {
    return this.hf.tokenize(text, { add_special_tokens: false });
  }

  /** Encodes many texts with transformers' truncation and padding rules. */
  encodeBatch(texts: readonly string[], options: EncodeBatchOptions = {}): BatchEncoding {
    const addSpecialTokens = options.addSpecialTokens ?? true;
    const rows = options.truncation
      ? this.truncatedRows(texts, addSpecialTokens, options)
      : texts.map((t) => this.encode(t, { addSpecialTokens }));
    return padBatch(rows, {
      padding: options.padding ?? false,
      maxLength: options.maxLength,
      padToMultipleOf: options.padToMultipleOf,
      side: options.paddingSide ?? this.paddingSide,
      padTokenId: options.padTokenId ?? this.padTokenId,
    });
  }

  /** Text of `ids`; equals transformers' `tokenizer.decode(ids, ...)`. */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    this.checkIds(ids);
    if (ids.length === 0) return '';
    const text = this.hf.decode(ids as number[], {
      skip_special_tokens: options.skipSpecialTokens ?? false,
      clean_up_tokenization_spaces: false,
    });
    return (options.cleanUpTokenizationSpaces ?? this.cleanUpTokenizationSpaces)
      ? cleanUpTokenization(text)
      : text;
  }

  tokenToId(token: string): number | undefined {
    return this.hf.token_to_id(token);
  }

  idToToken(id: number): string | undefined {
    return this.hf.id_to_token(id);
  }

  /** Whether `id` is a special added token (skipped by `skipSpecialTokens`). */
  isSpecialId(id: number): boolean {
    return this.specialIds.has(id);
  }

  /** The tokens that play a role, for callers that want `{content, id}` pairs. */
  specialToken(role: SpecialTokenRole): SpecialToken | null {
    return this.specialTokens[role];
  }

  /**
   * A new tokenizer with some roles reassigned (`{ pad: '<|endoftext|>' }`); tokens that are not
   * yet added tokens become special added tokens, new ones at the next free id.
   */
  withSpecialTokens(roles: SpecialTokenAssignments): Tokenizer {
    return Tokenizer.fromFiles(
      setSpecialTokens(this.files(), roles, (t) => this.tokenToId(t), this.vocabSize),
    );
  }

  /** Writes tokenizer.json, tokenizer_config.json and special_tokens_map.json into `dir`, atomically. */
  save(dir: string): Promise<void> {
    return saveTokenizer(this, dir);
  }

  /** The files this tokenizer is made of (shared, not copied: treat as read-only). */
  files(): TokenizerFiles {
    return {
      tokenizerJson: this.tokenizerJson,
      tokenizerConfig: this.tokenizerConfig,
      specialTokensMap: this.specialTokensMap,
      chatTemplate: this.chatTemplate,
      source: this.source,
    };
  }

  private truncatedRows(texts: readonly string[], addSpecial: boolean, o: EncodeBatchOptions): number[][] {
    const maxLength = o.maxLength ?? this.modelMaxLength;
    if (!Number.isInteger(maxLength) || maxLength <= 0 || maxLength > Number.MAX_SAFE_INTEGER) {
      throw new TokenizerError(`truncation needs a length limit, got ${maxLength}`, {
        field: 'maxLength',
        expected: "a positive integer (or a finite tokenizer_config 'model_max_length')",
      });
    }
    const { prefix, suffix } = addSpecial ? this.specialAffixes() : { prefix: [], suffix: [] };
    const room = maxLength - prefix.length - suffix.length;
    if (room < 0) {
      throw new TokenizerError(
        `maxLength ${maxLength} leaves no room for the ${-room + maxLength} special tokens`,
        {
          field: 'maxLength',
          expected: `at least ${prefix.length + suffix.length}`,
        },
      );
    }
    const side = o.truncationSide ?? this.truncationSide;
    return texts.map((t) => [
      ...prefix,
      ...truncateIds(this.encode(t, { addSpecialTokens: false }), room, side),
      ...suffix,
    ]);
  }

  private specialAffixes(): SpecialTokenAffixes {
    this.affixes ??= specialTokenAffixes((text, addSpecial) =>
      this.encode(text, { addSpecialTokens: addSpecial }),
    );
    return this.affixes;
  }

  private checkIds(ids: readonly number[]): void {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize || this.hf.id_to_token(id) === undefined) {
        throw new TokenizerError(`token id ${id} at position ${i} is not in the vocabulary`, {
          expected: `integer ids in [0, ${this.vocabSize})`,
        });
      }
    }
  }
}

/** tokenizer_config's chat template: a string, or the entry named "default" of a list. */
function configChatTemplate(config: TokenizerConfig): string | null {
  const t = config.chat_template;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.find((e) => e.name === 'default')?.template ?? t[0]?.template ?? null;
  return null;
}

const PARTS = ['normalizer', 'pre_tokenizer', 'post_processor', 'decoder'] as const;
// Runs through every part once at load: some parts build but fail on first use (a Prepend whose
// `prepend` is not a string, a Replace whose pattern is not one).
const SMOKE_TEXT = 'Hello, world! 12\n 世界';

/** Builds the library's tokenizer and runs it once, both ways. */
function buildLibraryTokenizer(json: TokenizerJson, config: TokenizerConfig): HfTokenizer {
  const hf = new HfTokenizer(json, libraryConfig(config));
  const ids = hf.encode(SMOKE_TEXT, { add_special_tokens: true }).ids.filter((id) => Number.isInteger(id));
  if (ids.length > 0) hf.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  return hf;
}

/**
 * @huggingface/tokenizers' tokenizer for these files. The library checks little and throws whatever its
 * code hits on a part it cannot read (a TypeError, "Unknown Normalizer type"); that becomes a
 * TokenizerError naming the file and the part, found by building again without one part at a time.
 */
function libraryTokenizer(json: TokenizerJson, config: TokenizerConfig, file: string): HfTokenizer {
  try {
    return buildLibraryTokenizer(withWordBoundarySplit(json), config);
  } catch (e) {
    const builds = (part: (typeof PARTS)[number]) => {
      try {
        buildLibraryTokenizer({ ...json, [part]: null }, config);
        return true;
      } catch {
        return false;
      }
    };
    const part = PARTS.find(builds);
    throw new TokenizerError(
      `@huggingface/tokenizers cannot build this part (${(e as Error).message})`,
      {
        file,
        field: part ?? 'model',
        expected: `${part ? 'null or ' : ''}a ${part ?? 'model'} as \`tokenizers\` writes it`,
      },
      { cause: e },
    );
  }
}

/** The config as @huggingface/tokenizers reads it: additional_special_tokens must be strings. */
function libraryConfig(config: TokenizerConfig): TokenizerConfig {
  const extra = (config.additional_special_tokens ?? []).map(specialTokenContent).filter((t) => t !== null);
  return { ...config, additional_special_tokens: extra };
}
