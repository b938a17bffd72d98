import { didYouMean } from './did-you-mean.js';
import { canonicalName, type OptionSchema, type OptionSpec, type OptionValues } from './option-schema.js';
import { UsageError } from './usage-error.js';

export interface ParsedArgs<S extends OptionSchema> {
  readonly options: OptionValues<S>;
  readonly positionals: string[];
  /** Options given on the command line (not from defaults or a config file). */
  readonly given: ReadonlySet<string>;
}

export interface ParseOptions {
  /** Values from a config file, applied under the command line's. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Whether bare arguments are accepted (default false). */
  readonly positionals?: boolean;
  /** The first bare argument ends the options: it and the rest are positionals, unparsed. */
  readonly stopAtFirstPositional?: boolean;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/**
 * Parses `argv` against a schema, as HfArgumentParser users expect: `--name value` and `--name=value`,
 * snake_case or kebab-case; booleans as `--flag`, `--flag true|false` or `--no_flag`; numbers checked;
 * lists as `a,b`, repeated flags or several values (`--target_modules q_proj v_proj`). An unknown flag is
 * a UsageError with a did-you-mean hint.
 */
export function parseArgs<S extends OptionSchema>(
  argv: readonly string[],
  schema: S,
  parse: ParseOptions = {},
): ParsedArgs<S> {
  const values: Record<string, unknown> = {};
  const given = new Set<string>();
  const positionals: string[] = [];
  for (const [key, value] of Object.entries(parse.config ?? {})) {
    const name = canonicalName(key);
    const spec = schema[name];
    if (!spec) throw unknownOption(`config key "${key}"`, name, schema);
    values[name] = fromConfig(name, spec, value);
  }
  const fromCli: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg))
        throw new UsageError(`unknown option ${arg}`, 'options are written --name');
      if (parse.stopAtFirstPositional) {
        positionals.push(...argv.slice(i));
        break;
      }
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = arg.slice(2, eq === -1 ? undefined : eq);
    let name = canonicalName(flag);
    let spec = schema[name];
    let negated = false;
    if (!spec && name.startsWith('no_') && schema[name.slice(3)]?.type === 'boolean') {
      name = name.slice(3);
      spec = schema[name];
      negated = true;
    }
    if (!spec) throw unknownOption(`--${flag}`, name, schema);
    given.add(name);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    if (spec.type === 'boolean') {
      let value = !negated;
      if (inline !== undefined) value = parseBoolean(name, inline) !== negated;
      else if (!negated && argv[i + 1] !== undefined && isBooleanWord(argv[i + 1]!))
        value = parseBoolean(name, argv[++i]!);
      fromCli[name] = value;
    } else if (spec.type === 'list') {
      const parts = inline !== undefined ? [inline] : takeValues(argv, i, name);
      i += inline !== undefined ? 0 : parts.length;
      const previous = (fromCli[name] as string[] | undefined) ?? [];
      fromCli[name] = [
        ...previous,
        ...parts
          .flatMap((p) => p.split(','))
          .map((p) => p.trim())
          .filter(Boolean),
      ];
    } else {
      const raw = inline ?? argv[++i];
      if (raw === undefined || (inline === undefined && raw.startsWith('--')))
        throw new UsageError(`--${flag} needs a value`, describeValue(spec));
      fromCli[name] = convert(name, spec, raw);
    }
  }
  Object.assign(values, fromCli);
  if (positionals.length > 0 && !parse.positionals) {
    throw new UsageError(
      `unexpected argument ${JSON.stringify(positionals[0])}`,
      'options are written --name value',
    );
  }
  for (const [name, spec] of Object.entries(schema)) {
    if (values[name] === undefined && spec.default !== undefined)
      values[name] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
    if (values[name] === undefined && spec.required)
      throw new UsageError(`--${name} is required`, spec.description);
  }
  return { options: values as OptionValues<S>, positionals, given };
}

function takeValues(argv: readonly string[], i: number, name: string): string[] {
  const parts: string[] = [];
  for (let j = i + 1; j < argv.length && !argv[j]!.startsWith('--'); j++) parts.push(argv[j]!);
  if (parts.length === 0) throw new UsageError(`--${name} needs at least one value`, 'a list: a,b or a b');
  return parts;
}

function unknownOption(what: string, name: string, schema: OptionSchema): UsageError {
  const guess = didYouMean(name, Object.keys(schema));
  return new UsageError(
    `unknown option ${what}`,
    guess ? `did you mean --${guess}?` : 'see --help for the options',
  );
}

function isBooleanWord(word: string): boolean {
  return TRUE.has(word.toLowerCase()) || FALSE.has(word.toLowerCase());
}

function parseBoolean(name: string, raw: string): boolean {
  const word = raw.toLowerCase();
  if (TRUE.has(word)) return true;
  if (FALSE.has(word)) return false;
  throw new UsageError(`--${name} must be true or false, got ${JSON.stringify(raw)}`);
}

function convert(name: string, spec: OptionSpec, raw: string): unknown {
  if (spec.type === 'number' || spec.type === 'integer') {
    const value = Number(raw);
    if (
      raw.trim() === '' ||
      !Number.isFinite(value) ||
      (spec.type === 'integer' && !Number.isInteger(value))
    ) {
      throw new UsageError(
        `--${name} must be ${spec.type === 'integer' ? 'an integer' : 'a number'}, got ${JSON.stringify(raw)}`,
      );
    }
    return value;
  }
  if (spec.choices && !spec.choices.includes(raw)) {
    const guess = didYouMean(raw, spec.choices);
    throw new UsageError(
      `--${name} must be one of ${spec.choices.join(', ')}; got ${JSON.stringify(raw)}`,
      guess ? `did you mean ${guess}?` : undefined,
    );
  }
  return raw;
}

/** A config-file value: JSON types are taken as they are, strings are parsed like the command line's. */
function fromConfig(name: string, spec: OptionSpec, value: unknown): unknown {
  if (typeof value === 'string') {
    if (spec.type === 'boolean') return parseBoolean(name, value);
    if (spec.type === 'list')
      return value
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
    return convert(name, spec, value);
  }
  const ok =
    (spec.type === 'boolean' && typeof value === 'boolean') ||
    ((spec.type === 'number' || spec.type === 'integer') && typeof value === 'number') ||
    (spec.type === 'list' && Array.isArray(value) && value.every((v) => typeof v === 'string'));
  if (!ok)
    throw new UsageError(
      `config value of ${name} must be ${describeValue(spec)}, got ${JSON.stringify(value)}`,
    );
  return spec.type === 'integer' || spec.type === 'number' ? convert(name, spec, String(value)) : value;
}

function describeValue(spec: OptionSpec): string {
  if (spec.choices) return `one of ${spec.choices.join(', ')}`;
  return {
    string: 'a string',
    number: 'a number',
    integer: 'an integer',
    boolean: 'true or false',
    list: 'a list',
  }[spec.type];
}
