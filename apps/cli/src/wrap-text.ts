/**
 * Word-wraps `text` to lines of at most `width` characters (a word longer than that gets a line of its
 * own); each line after the first starts with `indent` spaces. Existing line breaks are kept.
 */
export function wrapText(text: string, width: number, indent = 0): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (line !== '' && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    lines.push(line);
  }
  return lines.map((l, i) => (i === 0 ? l : `${' '.repeat(indent)}${l}`));
}
