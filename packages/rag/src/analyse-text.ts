// A run of Han ideographs, or a run of other letters/digits (Latin words, numbers, kana, ...).
const TOKEN_RUN = /(\p{Script=Han}+)|((?:(?!\p{Script=Han})[\p{L}\p{N}\p{M}])+)/gu;

/**
 * Terms for BM25 over Chinese and English without a dictionary: NFKC then lower case; each run of
 * Latin letters or digits is one word; each run of CJK ideographs gives its characters and its
 * overlapping character pairs (unigrams catch single-character words, bigrams approximate word
 * boundaries); punctuation and whitespace are dropped. Terms come in text order, each unigram followed
 * by the bigram that starts at it.
 */
export function analyseText(text: string): string[] {
  const terms: string[] = [];
  for (const m of text.normalize('NFKC').toLowerCase().matchAll(TOKEN_RUN)) {
    if (m[2] !== undefined) terms.push(m[2]);
    else pushNgrams([...m[1]!], terms);
  }
  return terms;
}

function pushNgrams(chars: readonly string[], terms: string[]): void {
  chars.forEach((c, i) => {
    terms.push(c);
    if (i + 1 < chars.length) terms.push(c + chars[i + 1]);
  });
}
