import { describe, expect, it } from 'vitest';
import { dpoCommand } from './commands/dpo.js';
import { sftCommand } from './commands/sft.js';
import type { Command } from './command.js';
import { formatCommandHelp } from './format-help.js';
import { wrapText } from './wrap-text.js';

describe('wrapText', () => {
  it('wraps at word boundaries, indents continuation lines, keeps line breaks and over-long words', () => {
    expect(wrapText('one two three four', 9, 2)).toEqual(['one two', '  three', '  four']);
    expect(wrapText('a\nb c', 3)).toEqual(['a', 'b c']);
    expect(wrapText('abcdefghij k', 4)).toEqual(['abcdefghij', 'k']);
  });
});

describe('--help', () => {
  it('fits 80 columns (and a wider terminal when given), examples aside', () => {
    for (const command of [sftCommand as unknown as Command, dpoCommand]) {
      for (const columns of [80, 120]) {
        const help = formatCommandHelp(command, columns);
        const body = help.slice(0, help.indexOf('\nExamples:'));
        for (const line of body.split('\n')) expect(line.length, line).toBeLessThanOrEqual(columns);
      }
    }
    // A long list of choices gets lines of its own, the description below it.
    const help = formatCommandHelp(sftCommand as unknown as Command, 80);
    expect(help).toMatch(
      / {2}--lr_scheduler_type \{linear, cosine, cosine_with_restarts, polynomial,\n {6}constant,/,
    );
  });
});
