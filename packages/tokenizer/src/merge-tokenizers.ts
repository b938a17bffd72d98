import { toByteLevel } from './byte-level-alphabet.js';
import type { BpeModelType } from './bpe-layouts.js';
import { BpeMergeTable, mergePair } from './bpe-merge-table.js';
import { detectBpeModelType } from './detect-bpe-model-type.js';
import { METASPACE } from './split-sentencepiece-words.js';
import { createTextPipeline } from './text-pipeline.js';
import { Tokenizer } from './tokenizer.js';
import { TokenizerError } from './tokenizer-error.js';
import type { TokenizerJson } from './tokenizer-json.js';

export interface MergeTokenizersOptions {
  /** A domain tokenizer of the same family (see trainBpe): its tokens the base lacks are added, in its merge order. */
  domain?: Tokenizer;
  /** Whole words to add after the domain tokens (MedicalGPT: Baichuan's Chinese entries, jieba words). */
  words?: Iterable<string>;
  /** Stop once this many ids were added. Default: no limit. */
  maxNewTokens?: number;
}

export interface MergeTokenizersStats {
  readonly baseVocabSize: number;
  readonly vocabSize: number;
  readonly addedTokens: number;
  readonly addedMerges: number;
  /** Domain tokens that were new to the base (each may also add characters and prefixes). */
  readonly domainTokensAdded: number;
  readonly wordsAdded: number;
  /** Words the base could already produce as one token. */
  readonly wordsPresent: number;
  /** Words left out: over maxNewTokens, or not expressible in the base's alphabet. */
  readonly wordsSkipped: number;
}

export interface MergeTokenizersResult {
  readonly tokenizer: Tokenizer;
  readonly stats: MergeTokenizersStats;
}

/**
 * Extends a BPE tokenizer's vocabulary (the analog of MedicalGPT's merge_tokenizers.py) with the
 * tokens of a domain tokenizer and with whole words. Every id of the base keeps its meaning; new
 * tokens take the ids after the base's last one (added tokens included), and the base's added tokens
 * are also written into model.vocab so that tokenizers (Rust) keeps their ids.
 *
 * A token is added with merges appended after all of the base's, so the base's own merges always
 * win: the new token's current pieces are joined left to right (`a b c` -> `ab`, `ab c` -> `abc`),
 * adding the prefixes as tokens too, which makes every added token reachable by BPE. For
 * SentencePiece-style bases, characters the base lacks (it byte-falls back on them) are added as
 * tokens first. MedicalGPT appends SentencePiece pieces without such merges, so its multi-character
 * pieces whose halves are not tokens can never be produced.
 */
export function mergeTokenizers(
  base: Tokenizer,
  options: MergeTokenizersOptions = {},
): MergeTokenizersResult {
  const modelType = detectBpeModelType(base.tokenizerJson, base.source);
  const builder = new VocabularyBuilder(base, modelType, options.maxNewTokens ?? Number.POSITIVE_INFINITY);
  let domainTokensAdded = 0;
  if (options.domain !== undefined) {
    const domainType = detectBpeModelType(options.domain.tokenizerJson, options.domain.source);
    if (domainType !== modelType) {
      throw new TokenizerError(`the domain tokenizer is ${domainType} BPE but the base is ${modelType}`, {
        field: 'domain',
        expected: `a domain tokenizer trained with modelType '${modelType}'`,
      });
    }
    for (const token of domainTokens(options.domain)) if (builder.add(token) === 'added') domainTokensAdded++;
  }
  const counts = { added: 0, present: 0, skipped: 0 };
  const toModel = wordToModelString(base, modelType);
  for (const word of options.words ?? []) counts[builder.add(toModel(word))]++;
  const tokenizer = Tokenizer.fromFiles({
    ...base.files(),
    tokenizerJson: builder.tokenizerJson(),
    source: '<merged>',
  });
  const stats: MergeTokenizersStats = {
    baseVocabSize: base.vocabSize,
    vocabSize: tokenizer.vocabSize,
    addedTokens: tokenizer.vocabSize - base.vocabSize,
    addedMerges: builder.addedMerges,
    domainTokensAdded,
    wordsAdded: counts.added,
    wordsPresent: counts.present,
    wordsSkipped: counts.skipped,
  };
  return { tokenizer, stats };
}

/** The domain tokenizer's model tokens in id order, without special, added or byte tokens. */
function domainTokens(domain: Tokenizer): string[] {
  const added = new Set(domain.tokenizerJson.added_tokens.map((t) => t.content));
  const vocab = domain.tokenizerJson.model.vocab as Record<string, number>;
  return Object.entries(vocab)
    .sort((a, b) => a[1] - b[1])
    .map(([token]) => token)
    .filter((t) => !added.has(t) && !/^<0x[0-9A-F]{2}>$/.test(t));
}

/** How a word appears inside text at the model level: byte-level chars, or as is with `▁` for spaces. */
function wordToModelString(base: Tokenizer, modelType: BpeModelType): (word: string) => string {
  if (modelType === 'sentencepiece') return (w) => w.replaceAll(' ', METASPACE);
  const pipeline = createTextPipeline(base.tokenizerJson.normalizer, null);
  return (w) => toByteLevel(pipeline.normalize(w));
}

type AddOutcome = 'added' | 'present' | 'skipped';

class VocabularyBuilder {
  private readonly vocab: Map<string, number>;
  private readonly reserved: Set<string>;
  private readonly table: BpeMergeTable;
  private readonly baseMerges: number;
  private readonly stringMerges: boolean;
  private nextId: number;
  private readonly limit: number;

  constructor(
    private readonly base: Tokenizer,
    private readonly modelType: BpeModelType,
    maxNewTokens: number,
  ) {
    const model = base.tokenizerJson.model;
    this.vocab = new Map(Object.entries(model.vocab as Record<string, number>));
    this.reserved = new Set(base.tokenizerJson.added_tokens.map((t) => t.content));
    // tokenizers (Rust) numbers added tokens missing from model.vocab after the model's size, which
    // grows here: keeping them in model.vocab with their ids keeps those ids in Python too.
    for (const t of base.tokenizerJson.added_tokens)
      if (!this.vocab.has(t.content)) this.vocab.set(t.content, t.id);
    const merges = model.merges as (string | [string, string])[];
    this.stringMerges = typeof merges[0] === 'string';
    this.table = new BpeMergeTable(merges.map(mergePair));
    this.baseMerges = this.table.size;
    this.nextId = base.vocabSize;
    this.limit = base.vocabSize + maxNewTokens;
  }

  get addedMerges(): number {
    return this.table.size - this.baseMerges;
  }

  /** Makes `token` (a model-level string) producible as one token by BPE. */
  add(token: string): AddOutcome {
    if (token === '' || this.reserved.has(token)) return 'skipped';
    if (this.vocab.has(token) && this.table.apply([...token]).length === 1) return 'present';
    const chars = [...token];
    const missingChars = [...new Set(chars.filter((c) => !this.vocab.has(c)))];
    // Byte-level bases hold all 256 byte symbols; anything else is not their alphabet.
    if (missingChars.length > 0 && this.modelType === 'byte_level') return 'skipped';
    const pieces = this.table.apply(chars);
    const prefixes = pieces.slice(1).map((_, i) => pieces.slice(0, i + 2).join(''));
    const needed = missingChars.length + prefixes.filter((p) => !this.vocab.has(p)).length;
    if (this.nextId + needed > this.limit) return 'skipped';
    for (const c of missingChars) this.vocab.set(c, this.nextId++);
    let joined = pieces[0]!;
    for (const piece of pieces.slice(1)) {
      this.table.add(joined, piece);
      joined += piece;
      if (!this.vocab.has(joined)) this.vocab.set(joined, this.nextId++);
    }
    return 'added';
  }

  tokenizerJson(): TokenizerJson {
    const json = this.base.tokenizerJson;
    const merges = this.table.merges();
    const asStrings = this.stringMerges && merges.every(([a, b]) => !a.includes(' ') && !b.includes(' '));
    return {
      ...json,
      model: {
        ...json.model,
        vocab: Object.fromEntries(this.vocab),
        merges: asStrings ? merges.map(([a, b]) => `${a} ${b}`) : merges.map(([a, b]) => [a, b]),
      },
    };
  }
}
