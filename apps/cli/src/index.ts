// @medgpt/cli: the `medgpt` command line, usable as a library (main) and extensible (defineCommand).

export { main } from './cli-main.js';
export { processIo, type CliIo } from './cli-io.js';
export {
  defineCommand,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  type Command,
  type CommandContext,
} from './command.js';
export { COMMANDS, findCommand } from './commands/registry.js';
export { convertCommand } from './commands/convert.js';
export { validateCommand } from './commands/validate.js';
export { parseArgs, type ParsedArgs, type ParseOptions } from './args/parse-args.js';
export {
  canonicalName,
  type OptionSchema,
  type OptionSpec,
  type OptionType,
  type OptionValues,
} from './args/option-schema.js';
export { didYouMean } from './args/did-you-mean.js';
export { extractConfigPath, loadConfig } from './args/load-config.js';
export { UsageError } from './args/usage-error.js';
export { formatCommandHelp, formatMainHelp } from './format-help.js';
export { CLI_VERSION } from './version.js';
