// What the docs tests read from a markdown page: its fenced blocks, the example files it names and the
// `medgpt` command lines of its sh blocks, with the output shown after them.

/** A fenced block: its info string (`sh`, `jsonl`), its text and the prose just before it. */
export interface FencedBlock {
  readonly lang: string;
  readonly body: string;
  /** The text between the previous block (or the start) and this one. */
  readonly before: string;
}

/** A file a page shows for the reader to save: "`name.jsonl`, ...:" followed by a block. */
export interface ExampleFile {
  readonly name: string;
  readonly content: string;
}

/** The `medgpt` lines of one sh block, and the text block right after it (what they print), if any. */
export interface CommandBlock {
  readonly commands: string[][];
  readonly output?: string;
}

export function fencedBlocks(markdown: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const fence = /^```([^\n]*)\n([\s\S]*?)^```$/gm;
  let last = 0;
  for (const match of markdown.matchAll(fence)) {
    blocks.push({ lang: match[1]!.trim(), body: match[2]!, before: markdown.slice(last, match.index) });
    last = match.index + match[0].length;
  }
  return blocks;
}

/**
 * Blocks (other than sh) right after a paragraph that ends with ":" and names a file: the first
 * `name.jsonl`, `name.json` or `name.txt` in backticks, without a directory, is the file's name.
 */
export function exampleFiles(markdown: string): ExampleFile[] {
  const files: ExampleFile[] = [];
  for (const block of fencedBlocks(markdown)) {
    if (block.lang === 'sh') continue;
    const paragraph =
      block.before
        .trim()
        .split(/\n\s*\n/)
        .pop() ?? '';
    const named = /`([\w.-]+\.(?:jsonl|json|txt))`/.exec(paragraph);
    if (named && paragraph.endsWith(':')) files.push({ name: named[1]!, content: block.body });
  }
  return files;
}

/** Every sh block with `medgpt ...` lines (continuations joined, words split as a shell would). */
export function commandBlocks(markdown: string): CommandBlock[] {
  const blocks = fencedBlocks(markdown);
  const result: CommandBlock[] = [];
  blocks.forEach((block, i) => {
    if (block.lang !== 'sh') return;
    const commands = block.body
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter((line) => line.startsWith('medgpt '))
      .map(shellWords);
    if (commands.length === 0) return;
    const next = blocks[i + 1];
    const output = next && next.lang === 'text' && next.before.trim() === '' ? next.body : undefined;
    result.push({ commands, ...(output === undefined ? {} : { output }) });
  });
  return result;
}

/** Splits a command line into words: whitespace separates, single and double quotes group. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | undefined;
  let started = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started || word) words.push(word);
      word = '';
      started = false;
    } else word += ch;
  }
  if (quote) throw new Error(`unclosed ${quote} in: ${line}`);
  if (started || word) words.push(word);
  return words;
}
