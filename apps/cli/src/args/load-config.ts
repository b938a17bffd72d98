import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { UsageError } from './usage-error.js';

const isYaml = (path: string): boolean => /\.ya?ml$/i.test(path);

/**
 * `--config file.json|yaml` (or MedicalGPT's lone `args.json` argument): an object of option values,
 * snake_case or kebab-case keys. Flags given on the command line override it.
 */
export async function loadConfig(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read --config ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const format = isYaml(path) ? 'YAML' : 'JSON';
  let value: unknown;
  try {
    value = isYaml(path) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `--config ${path} is not valid ${format}: ${(err as Error).message}`,
      format === 'YAML'
        ? 'a YAML mapping such as "train_file_dir: data/sft"'
        : 'a JSON object such as {"train_file_dir": "data/sft"}',
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`--config ${path} must hold a ${format} object (mapping) of options`);
  }
  return value as Record<string, unknown>;
}

/**
 * Splits `--config PATH` / `--config=PATH` out of argv. With `loneJson`, a single `*.json` argument is
 * the config too (as `python supervised_finetuning.py args.json`).
 */
export function extractConfigPath(
  argv: readonly string[],
  loneJson = false,
): { path?: string; rest: string[] } {
  const rest: string[] = [];
  let path: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--config') {
      path = argv[++i];
      if (path === undefined) throw new UsageError('--config needs a file path');
    } else if (arg.startsWith('--config=')) path = arg.slice('--config='.length);
    else rest.push(arg);
  }
  if (
    loneJson &&
    path === undefined &&
    rest.length === 1 &&
    rest[0]!.endsWith('.json') &&
    !rest[0]!.startsWith('-')
  ) {
    return { path: rest[0], rest: [] }; // supervised_finetuning.py args.json
  }
  return { path, rest };
}
