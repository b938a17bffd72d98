import type { OptionSchema, OptionValues } from './args/option-schema.js';
import type { CliIo } from './cli-io.js';

/** Exit codes of every command. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface CommandContext {
  readonly io: CliIo;
  /** Bare arguments, for commands that declare `positionals`. */
  readonly positionals: readonly string[];
}

/**
 * A `medgpt <name>` command: its options (MedicalGPT's names), help text and what it does. One file per
 * command under src/commands/, registered in src/commands/registry.ts.
 */
export interface Command<S extends OptionSchema = OptionSchema> {
  readonly name: string;
  /** One line for `medgpt --help`. */
  readonly summary: string;
  /** Paragraphs for `medgpt <name> --help`. */
  readonly description?: string;
  /** Usage line after `medgpt <name>`, e.g. `[PATH...] [options]`. */
  readonly usage?: string;
  /** Name and meaning of the bare arguments, when the command takes them. */
  readonly positionals?: { readonly name: string; readonly description: string };
  /** Examples shown in --help. */
  readonly examples?: readonly string[];
  /**
   * The first bare argument and everything after it are the command's positionals, unparsed (a
   * command that runs another, as `medgpt launch ... sft --model_name_or_path ...`).
   */
  readonly passThrough?: boolean;
  readonly options: S;
  /** Runs the command; resolves to its exit code. */
  run(options: OptionValues<S>, context: CommandContext): Promise<number>;
}

/** Identity with inference: `defineCommand({ options: {...}, run(options) {...} })` types `options`. */
export function defineCommand<S extends OptionSchema>(command: Command<S>): Command<S> {
  return command;
}
