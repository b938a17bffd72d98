import { BYTE_TO_CHAR } from './byte-level-alphabet.js';
import {
  byteLevelLayout,
  sentencePieceLayout,
  type BpeLayout,
  type BpeModelType,
  type TextNormalization,
} from './bpe-layouts.js';
import { learnBpeMerges, type WordCount } from './learn-bpe-merges.js';
import { METASPACE, splitSentencePieceWords } from './split-sentencepiece-words.js';
import { specialAddedToken } from './set-special-tokens.js';
import { createTextPipeline, type TextPipeline } from './text-pipeline.js';
import { Tokenizer } from './tokenizer.js';
import { TokenizerError } from './tokenizer-error.js';
import type { TokenizerJson } from './tokenizer-json.js';

/** Options of `trainBpe`; names and defaults follow MedicalGPT's tools/build_domain_tokenizer.py. */
export interface TrainBpeOptions {
  /** Total ids: special tokens + byte tokens + characters + merges. Default 2236 (`--vocab_size`). */
  vocabSize?: number;
  /**
   * `'sentencepiece'` (default; MedicalGPT trains a SentencePiece BPE model, merged into LLaMA):
   * Llama-2/Mistral layout with `<0xXX>` byte fallback. `'byte_level'`: Qwen2 layout, for merging
   * into Qwen/Llama-3-style tokenizers.
   */
  modelType?: BpeModelType;
  /** sentencepiece only: the most frequent characters covering this share of the text form the alphabet. Default 0.9995. */
  characterCoverage?: number;
  /** Default `'nfkc'` for sentencepiece (MedicalGPT: normalization_rule_name="nfkc"), `'nfc'` for byte_level (Qwen). */
  normalization?: TextNormalization;
  /** sentencepiece: every digit its own token. Default true (split_digits=True); byte_level always does. */
  splitDigits?: boolean;
  /** sentencepiece only: tokens never mix scripts. Default true (split_by_unicode_script=True). */
  splitByUnicodeScript?: boolean;
  /** Lines longer than this many UTF-8 bytes are skipped, as SentencePiece does. Default 16384. */
  maxSentenceLength?: number;
  /** Longest token in characters (SentencePiece's max_sentencepiece_length). Default 16 for sentencepiece, none for byte_level. */
  maxTokenLength?: number;
  /** Pairs seen fewer times are never merged. Default 2. */
  minFrequency?: number;
}

/** What training saw and made. */
export interface TrainBpeStats {
  readonly sentences: number;
  readonly skippedSentences: number;
  readonly distinctWords: number;
  /** Initial symbols: characters (sentencepiece) or the 256 byte symbols (byte_level). */
  readonly alphabetSize: number;
  readonly merges: number;
  readonly vocabSize: number;
}

export interface TrainBpeResult {
  readonly tokenizer: Tokenizer;
  readonly stats: TrainBpeStats;
}

const BYTE_TOKENS = Array.from(
  { length: 256 },
  (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`,
);

/**
 * Trains a BPE tokenizer on lines of text (the analog of MedicalGPT's build_domain_tokenizer.py)
 * and returns it as a Hugging Face tokenizer.json that Python `tokenizers` loads and encodes
 * exactly as ours does. Deterministic: the same lines and options give the same files.
 */
export function trainBpe(lines: Iterable<string>, options: TrainBpeOptions = {}): TrainBpeResult {
  const modelType = options.modelType ?? 'sentencepiece';
  if (modelType !== 'sentencepiece' && modelType !== 'byte_level') {
    throw new TokenizerError(`unknown modelType ${JSON.stringify(modelType)}`, {
      field: 'modelType',
      expected: "'sentencepiece' or 'byte_level'",
    });
  }
  const vocabSize = options.vocabSize ?? 2236;
  const normalization = options.normalization ?? (modelType === 'sentencepiece' ? 'nfkc' : 'nfc');
  const layout =
    modelType === 'sentencepiece' ? sentencePieceLayout(normalization) : byteLevelLayout(normalization);
  const pipeline = createTextPipeline(layout.normalizer, layout.preTokenizer);
  const corpus = collectSentences(lines, pipeline, options.maxSentenceLength ?? 16384);

  const words =
    modelType === 'sentencepiece'
      ? sentencePieceWords(corpus.sentences, options)
      : byteLevelWords(corpus.sentences, pipeline);
  const fixed = [
    ...layout.specialTokens,
    ...(modelType === 'sentencepiece' ? BYTE_TOKENS : []),
    ...words.alphabet,
  ];
  if (vocabSize < fixed.length) {
    throw new TokenizerError(
      `vocabSize ${vocabSize} is smaller than the ${fixed.length} required tokens ` +
        `(${layout.specialTokens.length} special, ${fixed.length - layout.specialTokens.length - words.alphabet.length} byte, ${words.alphabet.length} alphabet)`,
      {
        field: 'vocabSize',
        expected: `at least ${fixed.length}`,
        hint: 'Raise vocabSize or lower characterCoverage',
      },
    );
  }
  const merges = learnBpeMerges(words.counts, {
    maxNewTokens: vocabSize - fixed.length,
    minFrequency: options.minFrequency,
    maxTokenLength: options.maxTokenLength ?? (modelType === 'sentencepiece' ? 16 : undefined),
    forbidden: new Set(fixed),
  });
  const tokenizerJson = buildTokenizerJson(layout, fixed, merges);
  const tokenizer = Tokenizer.fromFiles({
    tokenizerJson,
    tokenizerConfig: { ...layout.config },
    source: '<trained>',
  });
  const stats: TrainBpeStats = {
    sentences: corpus.sentences.length,
    skippedSentences: corpus.skipped,
    distinctWords: words.counts.length,
    alphabetSize: words.alphabet.length,
    merges: merges.length,
    vocabSize: tokenizer.vocabSize,
  };
  return { tokenizer, stats };
}

/** Normalized non-empty lines, minus those over the length limit. */
function collectSentences(lines: Iterable<string>, pipeline: TextPipeline, maxBytes: number) {
  const encoder = new TextEncoder();
  const sentences: string[] = [];
  let skipped = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    if (encoder.encode(line).length > maxBytes) skipped++;
    else sentences.push(pipeline.normalize(line));
  }
  return { sentences, skipped };
}

interface TrainingWords {
  readonly counts: WordCount[];
  readonly alphabet: string[];
}

function sentencePieceWords(sentences: readonly string[], o: TrainBpeOptions): TrainingWords {
  const alphabet = coveredCharacters(sentences, o.characterCoverage ?? 0.9995);
  const inAlphabet = new Set(alphabet);
  const counts = new Map<string, number>();
  for (const sentence of sentences) {
    const words = splitSentencePieceWords(sentence, {
      splitDigits: o.splitDigits ?? true,
      splitByUnicodeScript: o.splitByUnicodeScript ?? true,
      inAlphabet: (c) => inAlphabet.has(c),
    });
    for (const w of words) {
      const key = w.join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return { counts: toWordCounts(counts), alphabet };
}

/** The most frequent characters covering `coverage` of all characters (ties: code point order); `▁` always. */
function coveredCharacters(sentences: readonly string[], coverage: number): string[] {
  const freq = new Map<string, number>();
  let total = 0;
  for (const s of sentences) {
    for (const c of s) {
      freq.set(c, (freq.get(c) ?? 0) + 1);
      total++;
    }
  }
  const ranked = [...freq].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const kept: string[] = [];
  let covered = 0;
  for (const [c, n] of ranked) {
    if (covered >= coverage * total) break;
    kept.push(c);
    covered += n;
  }
  if (!kept.includes(METASPACE)) kept.push(METASPACE);
  return kept;
}

/** Pre-tokens from the encoder's own split; Qwen2's regex already isolates every digit. */
function byteLevelWords(sentences: readonly string[], pipeline: TextPipeline): TrainingWords {
  const counts = new Map<string, number>();
  for (const sentence of sentences) {
    for (const word of pipeline.preTokenize(sentence)) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return { counts: toWordCounts(counts), alphabet: [...BYTE_TO_CHAR] };
}

function toWordCounts(counts: Map<string, number>): WordCount[] {
  return [...counts].map(([word, count]) => ({ symbols: [...word], count }));
}

function buildTokenizerJson(
  layout: BpeLayout,
  fixed: readonly string[],
  merges: [string, string][],
): TokenizerJson {
  const vocab: Record<string, number> = {};
  let next = 0;
  for (const token of fixed) vocab[token] = next++;
  for (const [a, b] of merges) if (!(a + b in vocab)) vocab[a + b] = next++;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: layout.specialTokens.map((t) => specialAddedToken(vocab[t]!, t)),
    normalizer: layout.normalizer,
    pre_tokenizer: layout.preTokenizer,
    post_processor: layout.postProcessor,
    decoder: layout.decoder,
    model: { type: 'BPE', ...layout.modelOptions, vocab, merges },
  };
}
