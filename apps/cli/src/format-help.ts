import type { OptionSpec } from './args/option-schema.js';
import type { Command } from './command.js';
import { wrapText } from './wrap-text.js';

/** The widest label column; a longer label puts its description on the next line. */
const LABEL_COLUMN = 32;

/** The terminal's width (80 when stdout is not a terminal), for --help. */
export function terminalColumns(): number {
  return process.stdout.isTTY && process.stdout.columns ? Math.max(process.stdout.columns, 60) : 80;
}

/**
 * `medgpt <command> --help`, wrapped to `columns`: options in two columns, descriptions word-wrapped,
 * a label wider than the column (a long list of choices) on a line of its own.
 */
export function formatCommandHelp(command: Command, columns = 80): string {
  const reflow = (text: string) => wrapText(text.replace(/\n/g, ' '), columns);
  const lines = [
    `Usage: medgpt ${command.name} ${command.usage ?? '[options]'}`,
    '',
    ...reflow(command.summary),
  ];
  if (command.description) lines.push('', ...reflow(command.description));
  if (command.positionals)
    lines.push(
      '',
      'Arguments:',
      `  ${command.positionals.name.padEnd(28)}${command.positionals.description}`,
    );
  lines.push('', 'Options:');
  const entries = Object.entries(command.options).map(
    ([name, spec]) => [optionLabel(name, spec), optionText(spec)] as const,
  );
  entries.push(
    ['--config PATH', 'JSON file of option values (flags on the command line win)'],
    ['--help', 'show this help'],
  );
  const width = Math.min(Math.max(...entries.map(([label]) => label.length)), LABEL_COLUMN) + 2;
  const textWidth = Math.max(columns - 2 - width, 24);
  for (const [label, text] of entries) {
    const wrapped = wrapText(text, textWidth, 2 + width);
    if (label.length + 2 <= width) lines.push(`  ${label.padEnd(width)}${wrapped.join('\n')}`);
    else {
      // The label on a line of its own; a list of choices too long for one breaks after its commas.
      const labelLines =
        label.length <= columns - 2 ? [label] : wrapText(label.replace(/,/g, ', '), columns - 2, 6);
      lines.push(...labelLines.map((l, i) => (i === 0 ? `  ${l}` : l)));
      lines.push(`${' '.repeat(2 + width)}${wrapped.join('\n')}`);
    }
  }
  lines.push(
    '',
    ...reflow(
      'Names may be written snake_case (MedicalGPT) or kebab-case: --train_file_dir = --train-file-dir.',
    ),
  );
  if (command.examples?.length) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

/** `medgpt --help`. */
export function formatMainHelp(commands: readonly Command[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    `medgpt ${version}: train LLMs through the ChatGPT pipeline, with MedicalGPT's arguments and data formats.`,
    '',
    'Usage: medgpt <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Run `medgpt <command> --help` for its options.',
    '',
  ].join('\n');
}

function optionLabel(name: string, spec: OptionSpec): string {
  if (spec.type === 'boolean') return `--${name}`;
  const metavar =
    spec.metavar ??
    (spec.choices
      ? `{${spec.choices.join(',')}}`
      : spec.type === 'list'
        ? 'A,B'
        : spec.type === 'string'
          ? 'TEXT'
          : 'N');
  return `--${name} ${metavar}`;
}

function optionText(spec: OptionSpec): string {
  const extra: string[] = [];
  if (spec.required) extra.push('required');
  if (spec.default !== undefined && spec.default !== false)
    extra.push(`default ${Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default)}`);
  return extra.length > 0 ? `${spec.description} (${extra.join('; ')})` : spec.description;
}
