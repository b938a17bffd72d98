import type { OptionSpec } from './args/option-schema.js';
import type { Command } from './command.js';

/** `medgpt <command> --help`. */
export function formatCommandHelp(command: Command): string {
  const lines = [`Usage: medgpt ${command.name} ${command.usage ?? '[options]'}`, '', command.summary];
  if (command.description) lines.push('', command.description);
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
  const width = Math.max(...entries.map(([label]) => label.length)) + 2;
  for (const [label, text] of entries) lines.push(`  ${label.padEnd(width)}${text}`);
  lines.push(
    '',
    'Names may be written snake_case (MedicalGPT) or kebab-case: --train_file_dir = --train-file-dir.',
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
