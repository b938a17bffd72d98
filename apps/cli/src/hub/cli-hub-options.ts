import type { ResolveModelDirOptions } from '@medgpt/hub';
import type { CliIo } from '../cli-io.js';
import { downloadProgressPrinter } from './download-progress-printer.js';

/**
 * How the CLI resolves Hub ids: the HF_* variables of the command's environment, and download
 * progress printed as `[medgpt]` lines through `log` (stderr), with a live line when stderr is a
 * terminal.
 */
export function cliHubOptions(io: Pick<CliIo, 'env'>, log: (line: string) => void): ResolveModelDirOptions {
  return { env: io.env, onProgress: downloadProgressPrinter({ log, stream: process.stderr }) };
}
