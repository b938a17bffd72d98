import { joinWrappedLines } from './join-wrapped-lines.js';
import type { LocatedText } from './passage.js';

/**
 * A PDF's text as pdfText gives it (pages separated by form feeds, paragraphs by blank lines) as
 * paragraphs, each with its 1-based page and the line it starts on among that page's text lines, its
 * wrapped lines joined back by joinWrappedLines.
 */
export function pdfParagraphs(text: string): LocatedText[] {
  const out: LocatedText[] = [];
  text.split('\f').forEach((pageText, p) => {
    let line = 0;
    let start = 0;
    let current: string[] = [];
    const flush = () => {
      const joined = joinWrappedLines(current);
      if (joined) out.push({ page: p + 1, line: start, text: joined });
      current = [];
    };
    for (const raw of pageText.split(/\r?\n/)) {
      if (!raw.trim()) {
        flush();
        continue;
      }
      line++;
      if (current.length === 0) start = line;
      current.push(raw);
    }
    flush();
  });
  return out;
}
