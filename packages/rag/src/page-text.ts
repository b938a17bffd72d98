/** What pageText needs of a pdf.js text item. */
export interface PdfTextItem {
  str: string;
  /** The text matrix [a, b, c, d, e, f]: f is the baseline's height on the page, |(c, d)| the font size. */
  transform: readonly number[];
  /** A line break follows this item. */
  hasEOL: boolean;
}

/**
 * Baselines further apart than this many font sizes start a new paragraph: single spacing is about
 * 1.2, so a gap beyond 1.5 is space the layout left between paragraphs.
 */
export const PARAGRAPH_GAP = 1.5;

interface Line {
  text: string;
  y: number;
  size: number;
}

/**
 * One page's text items (pdf.js getTextContent, in content order) as text: a line per line of the page,
 * whitespace runs collapsed, and a blank line where the baseline drops by more than PARAGRAPH_GAP font
 * sizes or moves back up (a new column or block). pdf.js already puts spaces between words of a line.
 */
export function pageText(items: readonly PdfTextItem[]): string {
  const lines: Line[] = [];
  let current: Line | undefined;
  for (const item of items) {
    if (item.str.trim()) {
      const size = Math.hypot(item.transform[2]!, item.transform[3]!);
      current ??= { text: '', y: item.transform[5]!, size: 0 };
      current.text += item.str;
      current.size = Math.max(current.size, size);
    } else if (current && item.str) current.text += ' ';
    if (item.hasEOL && current) {
      lines.push(current);
      current = undefined;
    }
  }
  if (current) lines.push(current);

  let out = '';
  lines.forEach((line, i) => {
    const prev = lines[i - 1];
    if (prev) {
      const drop = prev.y - line.y;
      const newParagraph = drop <= 0 || drop > PARAGRAPH_GAP * Math.max(prev.size, line.size);
      out += newParagraph ? '\n\n' : '\n';
    }
    out += line.text.replace(/\s+/g, ' ').trim();
  });
  return out;
}
