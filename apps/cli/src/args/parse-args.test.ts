import { describe, expect, it } from 'vitest';
import type { OptionSchema } from './option-schema.js';
import { parseArgs } from './parse-args.js';
import { UsageError } from './usage-error.js';

const schema = {
  train_file_dir: { type: 'string', description: 'data' },
  block_size: { type: 'integer', default: 1024, description: 'block' },
  learning_rate: { type: 'number', description: 'lr' },
  use_peft: { type: 'boolean', default: true, description: 'peft' },
  bf16: { type: 'boolean', description: 'bf16' },
  target_modules: { type: 'list', description: 'modules' },
  template_name: { type: 'string', choices: ['qwen', 'vicuna'], description: 'template' },
  output_dir: { type: 'string', required: true, description: 'out' },
} as const satisfies OptionSchema;

const parse = (argv: string[], config?: Record<string, unknown>) =>
  parseArgs(argv, schema, { config }).options;
const usage = (argv: string[]) => {
  try {
    parseArgs(argv, schema);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error('expected a UsageError');
};

describe('parseArgs', () => {
  it('takes snake_case and kebab-case, "--name value" and "--name=value"', () => {
    expect(
      parse(['--train_file_dir', 'a', '--block-size=512', '--learning-rate', '2e-5', '--output_dir=o']),
    ).toEqual({
      train_file_dir: 'a',
      block_size: 512,
      learning_rate: 2e-5,
      use_peft: true,
      output_dir: 'o',
    });
  });

  it('reads booleans as --flag, --flag true/false, --flag=False and --no_flag', () => {
    expect(parse(['--bf16', '--output_dir', 'o']).bf16).toBe(true);
    expect(parse(['--use_peft', 'False', '--output_dir', 'o']).use_peft).toBe(false);
    expect(parse(['--use-peft=false', '--output_dir', 'o']).use_peft).toBe(false);
    expect(parse(['--no_use_peft', '--output_dir', 'o']).use_peft).toBe(false);
    expect(parse(['--no-bf16', '--output_dir', 'o']).bf16).toBe(false);
    expect(parse(['--bf16', '--output_dir', 'o', '--use_peft']).use_peft).toBe(true);
  });

  it('reads lists as a,b, as several values, and from repeated flags', () => {
    expect(parse(['--target_modules', 'q_proj,v_proj', '--output_dir', 'o']).target_modules).toEqual([
      'q_proj',
      'v_proj',
    ]);
    expect(parse(['--target_modules', 'q_proj', 'k_proj', '--output_dir', 'o']).target_modules).toEqual([
      'q_proj',
      'k_proj',
    ]);
    expect(
      parse(['--target_modules=a', '--target_modules', 'b', '--output_dir', 'o']).target_modules,
    ).toEqual(['a', 'b']);
  });

  it('applies config values under the command line', () => {
    const options = parse(['--block_size', '128'], {
      'block-size': 64,
      train_file_dir: 'cfg',
      output_dir: 'o',
      use_peft: 'false',
    });
    expect(options).toMatchObject({
      block_size: 128,
      train_file_dir: 'cfg',
      output_dir: 'o',
      use_peft: false,
    });
  });

  it('names the problem and suggests the flag', () => {
    expect(usage(['--train_file_dirs', 'x', '--output_dir', 'o'])).toMatchObject({
      message: 'unknown option --train_file_dirs',
      hint: 'did you mean --train_file_dir?',
    });
    expect(usage(['--block_size', '1.5', '--output_dir', 'o']).message).toMatch(
      /must be an integer, got "1.5"/,
    );
    expect(usage(['--learning_rate', 'fast', '--output_dir', 'o']).message).toMatch(/must be a number/);
    expect(usage(['--template_name', 'qwn', '--output_dir', 'o'])).toMatchObject({
      hint: 'did you mean qwen?',
    });
    expect(usage(['--use_peft=maybe', '--output_dir', 'o']).message).toMatch(/true or false/);
    expect(usage([]).message).toBe('--output_dir is required');
    expect(usage(['--output_dir']).message).toBe('--output_dir needs a value');
    expect(usage(['--output_dir', 'o', 'stray']).message).toMatch(/unexpected argument "stray"/);
    expect(usage(['-x', '--output_dir', 'o']).message).toBe('unknown option -x');
    expect(() => parseArgs([], schema, { config: { output_dirr: 'o' } })).toThrow(
      /unknown option config key "output_dirr"/,
    );
    expect(() => parseArgs([], schema, { config: { output_dir: 'o', block_size: [1] } })).toThrow(
      /must be an integer/,
    );
  });

  it('collects positionals when allowed, everything after -- included', () => {
    const parsed = parseArgs(['a', '--output_dir', 'o', '--', '--not-a-flag'], schema, { positionals: true });
    expect(parsed.positionals).toEqual(['a', '--not-a-flag']);
    expect([...parsed.given]).toEqual(['output_dir']);
  });
});
