import type { LocatedText } from './passage.js';

/** Plain text the way chatpdf reads it: every non-empty line is a passage (trimmed, line kept). */
export function textLines(text: string): LocatedText[] {
  const out: LocatedText[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const t = raw.trim();
    if (t) out.push({ line: i + 1, text: t });
  });
  return out;
}
