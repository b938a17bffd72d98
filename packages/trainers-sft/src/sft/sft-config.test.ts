import { TOOL_FORMAT_NAMES } from '@medgpt/templates';
import { ConfigError, DEFAULT_TRAINING_ARGUMENTS } from '@medgpt/trainer';
import { describe, expect, it } from 'vitest';
import { resolvePtConfig } from '../pt/pt-config.js';
import { resolveSftConfig } from './sft-config.js';

const required = { model_name_or_path: 'm', train_file_dir: 'd' };

function message(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('no error');
}

describe('SFT and PT configs', () => {
  it("default to MedicalGPT's script arguments and transformers' TrainingArguments", () => {
    const sft = resolveSftConfig(required);
    expect(sft).toMatchObject({
      use_peft: true,
      lora_rank: 8,
      lora_alpha: 32,
      lora_dropout: 0.05,
      target_modules: 'all',
      model_max_length: 512,
      template_name: null,
      train_on_inputs: false,
      neft_alpha: 0,
      torch_dtype: 'float16',
      validation_split_percentage: 1,
      ...DEFAULT_TRAINING_ARGUMENTS,
      output_dir: 'trainer_output',
    });
    expect(resolvePtConfig(required)).toMatchObject({
      block_size: 1024,
      packing: true,
      keep_linebreaks: true,
      torch_dtype: null,
    });
  });

  it('name the option, its value and what is valid', () => {
    expect(message(() => resolveSftConfig({ ...required, template_name: 'qwen-7b' }))).toMatch(
      /^--template_name is "qwen-7b"; expected one of vicuna, /,
    );
    expect(message(() => resolveSftConfig({ ...required, tool_format: 'gpt' }))).toBe(
      `--tool_format is "gpt"; expected one of ${TOOL_FORMAT_NAMES.join(', ')}`,
    );
    expect(message(() => resolveSftConfig({ ...required, lora_dropout: 1 }))).toBe(
      '--lora_dropout is 1; expected a number in [0, 1)',
    );
    expect(message(() => resolveSftConfig({ ...required, neft_scale: 'vocab' as never }))).toBe(
      '--neft_scale is "vocab"; expected one of paper, medicalgpt',
    );
    expect(message(() => resolveSftConfig({ ...required, qlora: true }))).toContain(
      '--qlora is true; expected set together with --load_in_4bit',
    );
    expect(message(() => resolveSftConfig({ ...required, load_in_4bit: true, load_in_8bit: true }))).toBe(
      '--load_in_8bit is true; expected false with --load_in_4bit (choose 4 or 8 bits)',
    );
    expect(message(() => resolveSftConfig({ ...required, load_in_8bit: true, use_peft: false }))).toContain(
      '--load_in_8bit is true; expected used with --use_peft true',
    );
    expect(resolveSftConfig({ ...required, load_in_4bit: true, qlora: true }).load_in_4bit).toBe(true);
    expect(message(() => resolveSftConfig({ ...required, block_size: 128 } as never))).toBe(
      '--block_size is 128; expected an option of sft',
    );
    expect(message(() => resolvePtConfig({ ...required, model_max_lenght: 5 } as never))).toBe(
      '--model_max_lenght is 5; expected an option of pt',
    );
    expect(message(() => resolvePtConfig({ ...required, learning_rat: 5 } as never))).toBe(
      '--learning_rat is 5; expected an option of pt (did you mean learning_rate?)',
    );
    expect(message(() => resolveSftConfig({ ...required, use_peft: false, peft_path: 'a' }))).toContain(
      '--peft_path is "a"; expected unset when --use_peft is false',
    );
    expect(message(() => resolveSftConfig({ ...required, model_name_or_path: '' }))).toBe(
      '--model_name_or_path is ""; expected a local model directory',
    );
  });
});
