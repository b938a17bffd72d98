import { DataError, formatIssue } from '@medgpt/data';
import { didYouMean } from './args/did-you-mean.js';
import { extractConfigPath, loadConfig } from './args/load-config.js';
import { parseArgs } from './args/parse-args.js';
import { UsageError } from './args/usage-error.js';
import { processIo, type CliIo } from './cli-io.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type Command } from './command.js';
import { COMMANDS, findCommand } from './commands/registry.js';
import { formatCommandHelp, formatMainHelp, terminalColumns } from './format-help.js';
import { CLI_VERSION } from './version.js';

/**
 * The `medgpt` command line: `medgpt <command> [options]`. Returns the exit code (0 ok, 1 failed,
 * 2 usage error) instead of exiting, so tests and other programs can call it.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' && rest[0] ? findCommand(rest[0]) : undefined;
    io.stdout(topic ? formatCommandHelp(topic, terminalColumns()) : formatMainHelp(COMMANDS, CLI_VERSION));
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(`${CLI_VERSION}\n`);
    return EXIT_OK;
  }
  const command = findCommand(name);
  if (!command) {
    const guess = didYouMean(
      name,
      COMMANDS.map((c) => c.name),
    );
    return usage(
      io,
      undefined,
      new UsageError(
        `unknown command ${JSON.stringify(name)}`,
        guess ? `did you mean "${guess}"?` : 'run `medgpt --help` for the commands',
      ),
    );
  }
  // A pass-through command's own options end at its first bare argument (the command it runs).
  const own = command.passThrough ? rest.slice(0, firstBare(rest)) : rest;
  if (own.includes('--help') || own.includes('-h')) {
    io.stdout(formatCommandHelp(command, terminalColumns()));
    return EXIT_OK;
  }
  try {
    const { path, rest: args } = command.passThrough
      ? { rest }
      : extractConfigPath(rest, !command.positionals);
    const config = path ? await loadConfig(path) : undefined;
    const parsed = parseArgs(args, command.options, {
      config,
      positionals: Boolean(command.positionals),
      stopAtFirstPositional: command.passThrough,
    });
    return await command.run(parsed.options, { io, positionals: parsed.positionals });
  } catch (err) {
    if (err instanceof UsageError) return usage(io, command, err);
    if (err instanceof DataError) {
      io.stderr(
        `${formatIssue(err.issue)}\nmedgpt ${command.name}: stopped at the first bad record (--strict)\n`,
      );
      return EXIT_FAILED;
    }
    io.stderr(`medgpt ${command.name}: error: ${(err as Error).message}\n`);
    return EXIT_FAILED;
  }
}

/** Index of the first argument that is neither an option nor an option's value (a rough cut for --help). */
function firstBare(args: readonly string[]): number {
  for (let i = 0; i < args.length; i++) {
    if (!args[i]!.startsWith('-')) return i;
    if (!args[i]!.includes('=')) i++; // skip the option's value
  }
  return args.length;
}

function usage(io: CliIo, command: Command | undefined, err: UsageError): number {
  const who = command ? `medgpt ${command.name}` : 'medgpt';
  io.stderr(`${who}: ${err.message}\n${err.hint ? `  ${err.hint}\n` : ''}`);
  io.stderr(command ? `Run \`medgpt ${command.name} --help\` for its options.\n` : '');
  return EXIT_USAGE;
}
