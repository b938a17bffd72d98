/** The kinds of values an option takes. */
export type OptionType = 'string' | 'number' | 'integer' | 'boolean' | 'list';

/**
 * One option. Its key in the schema is its canonical name, written as MedicalGPT writes it
 * (`train_file_dir`); `--train-file-dir` is accepted too.
 */
export interface OptionSpec {
  readonly type: OptionType;
  /** One line for --help. */
  readonly description: string;
  readonly default?: string | number | boolean | readonly string[];
  /** Allowed values (strings). */
  readonly choices?: readonly string[];
  readonly required?: boolean;
  /** Placeholder in --help (`PATH`, `N`). */
  readonly metavar?: string;
}

export type OptionSchema = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S['type'] extends 'boolean'
  ? boolean
  : S['type'] extends 'number' | 'integer'
    ? number
    : S['type'] extends 'list'
      ? string[]
      : string;

/** The parsed options of a schema: required or defaulted options are always present. */
export type OptionValues<S extends OptionSchema> = {
  -readonly [K in keyof S]: S[K] extends { required: true } | { default: unknown }
    ? ValueOf<S[K]>
    : ValueOf<S[K]> | undefined;
};

/** `train-file-dir` and `train_file_dir` are the same option. */
export function canonicalName(flag: string): string {
  return flag.replaceAll('-', '_');
}
