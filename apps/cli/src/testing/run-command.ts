// Test support: one command run as cli-main runs it once the command is found (usage errors exit 2).
import { parseArgs } from '../args/parse-args.js';
import { UsageError } from '../args/usage-error.js';
import type { CliIo } from '../cli-io.js';
import type { Command } from '../command.js';

/** `medgpt <command> ...argv` in `cwd`, with its exit code and what it printed. */
export async function runCommand(
  command: Command,
  argv: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd, env: {} };
  let code: number;
  try {
    const parsed = parseArgs(argv, command.options);
    code = await command.run(parsed.options, { io, positionals: [] });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    stderr += `${err.message}\n${err.hint ?? ''}`;
    code = 2;
  }
  return { code, stdout, stderr };
}
