import type { LocatedText } from './passage.js';

const FENCE = /^\s*(```|~~~)/;

/**
 * Markdown as plain paragraphs (separated by blank lines), each with the line it starts on. Heading
 * markers, emphasis and link targets are stripped because they are noise to BM25; a fenced code block
 * is one paragraph of its code, kept verbatim (blank lines inside it do not split it).
 */
export function markdownParagraphs(markdown: string): LocatedText[] {
  const out: LocatedText[] = [];
  let current: string[] = [];
  let start = 0;
  let fence: string | undefined;
  const flush = () => {
    const text = current.join('\n').trim();
    if (text) out.push({ line: start, text });
    current = [];
  };
  markdown.split(/\r?\n/).forEach((raw, i) => {
    const fenceMark = FENCE.exec(raw)?.[1];
    if (fence !== undefined) {
      if (fenceMark === fence) {
        fence = undefined;
        flush();
      } else current.push(raw);
      return;
    }
    if (fenceMark !== undefined) {
      flush();
      fence = fenceMark;
      start = i + 2;
      return;
    }
    if (!raw.trim()) return flush();
    if (current.length === 0) start = i + 1;
    current.push(stripInline(raw));
  });
  flush();
  return out;
}

/** Removes heading markers, emphasis markers and link/image targets from one line. */
export function stripInline(line: string): string {
  return line
    .replace(/^\s{0,3}#{1,6}(\s+|$)/, '')
    .replace(/\s+#+\s*$/, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*{1,3})(?=\S)(.*?\S)\1/g, '$2')
    .replace(/(^|[^\p{L}\p{N}])(_{1,3})(?=\S)(.*?\S)\2(?![\p{L}\p{N}])/gu, '$1$3');
}
