import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../args/parse-args.js';
import { canonicalName } from '../args/option-schema.js';
import { COMMANDS, findCommand } from '../commands/registry.js';
import { commandBlocks } from './markdown-blocks.js';

// The user guides may only show commands and flags that exist: every `medgpt` line of their sh blocks
// parses with its command's options, and every --flag they name is an option of some command.
// (datasets-doc.test.ts runs docs/datasets.md's commands; the guides' commands were run by hand on
// the demo's tiny model, which takes minutes.)
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const GUIDES = ['docs/getting-started.md', 'docs/faq.md', 'docs/datasets.md'];

/** Flags the guides name that are not medgpt's, on purpose. */
const FOREIGN_FLAGS: Record<string, string> = {};

const allOptions = new Set(['help', 'config', ...COMMANDS.flatMap((c) => Object.keys(c.options))]);

describe.each(GUIDES)('%s', (path) => {
  const page = readFileSync(join(root, path), 'utf8');

  it('shows medgpt command lines that parse', () => {
    for (const { commands } of commandBlocks(page))
      for (const [, name, ...args] of commands) {
        const command = findCommand(name!);
        expect(command, `medgpt ${name}`).toBeDefined();
        expect(() =>
          parseArgs(args, command!.options, {
            positionals: Boolean(command!.positionals),
            stopAtFirstPositional: command!.passThrough,
          }),
        ).not.toThrow();
      }
  });

  it('names only flags that exist', () => {
    const flags = [...page.matchAll(/(?<![\w-])--([a-z][a-z0-9_-]*)/g)].map((m) => canonicalName(m[1]!));
    const unknown = flags.filter((f) => !allOptions.has(f) && !(f in FOREIGN_FLAGS) && !f.startsWith('no_'));
    expect([...new Set(unknown)]).toEqual([]);
  });
});
