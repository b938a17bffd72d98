import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATA_FORMATS, describeFormat } from '@medgpt/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli-main.js';
import type { CliIo } from '../cli-io.js';
import { commandBlocks, exampleFiles } from './markdown-blocks.js';

// docs/datasets.md shows each format as a file to save, the command that checks it and what the command
// prints. This test saves every file, runs every command and compares the output, so the page cannot rot.
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const page = readFileSync(join(root, 'docs/datasets.md'), 'utf8');

async function run(argv: readonly string[], cwd: string): Promise<{ code: number; out: string }> {
  let out = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (out += t), cwd, env: {} };
  return { code: await main(argv, io), out };
}

describe('docs/datasets.md', () => {
  const previous = process.cwd();
  let dir = '';
  beforeAll(() => {
    // The page's commands run where its files were saved, with the repository's data/ beside them.
    dir = mkdtempSync(join(tmpdir(), 'medgpt-datasets-doc-'));
    symlinkSync(join(root, 'data'), join(dir, 'data'));
    for (const file of exampleFiles(page)) writeFileSync(join(dir, file.name), file.content);
    process.chdir(dir);
  });
  afterAll(() => {
    process.chdir(previous);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every command as shown: the output printed under it, exit 0 unless it says to fix records', async () => {
    const blocks = commandBlocks(page);
    expect(blocks.length).toBeGreaterThan(20);
    for (const block of blocks) {
      let out = '';
      for (const argv of block.commands) {
        expect(argv[0]).toBe('medgpt');
        const result = await run(argv.slice(1), dir);
        const failed = argv[1] === 'validate' && result.out.includes('Fix the records listed above.');
        expect(result.code, `${argv.join(' ')}\n${result.out}`).toBe(failed ? 1 : 0);
        out += result.out;
      }
      if (block.output !== undefined)
        expect(out, block.commands.map((c) => c.join(' ')).join('\n')).toBe(block.output);
    }
  });

  it('shows an example of every format the data package reads', () => {
    const outputs = commandBlocks(page)
      .map((b) => b.output ?? '')
      .join('\n');
    const missing = DATA_FORMATS.filter((format) => !outputs.includes(`formats: ${describeFormat(format)} `));
    expect(missing, 'formats without an example and its validate output in docs/datasets.md').toEqual([]);
  });

  it('keeps each JSONL example one record per line', () => {
    for (const file of exampleFiles(page).filter((f) => f.name.endsWith('.jsonl')))
      for (const line of file.content.trimEnd().split('\n'))
        expect(
          () => JSON.parse(line),
          `${file.name}: write JSONL examples in \`\`\`text blocks (prettier reformats \`\`\`json ones)`,
        ).not.toThrow();
  });

  it('names each example file once', () => {
    const names = exampleFiles(page).map((f) => f.name);
    expect(names.length).toBeGreaterThanOrEqual(DATA_FORMATS.length);
    expect(new Set(names).size).toBe(names.length);
  });
});
