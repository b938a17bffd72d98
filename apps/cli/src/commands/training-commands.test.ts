import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import { PT_OPTION_DOCS, SFT_OPTION_DOCS } from '@medgpt/trainers-sft';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractConfigPath, loadConfig } from '../args/load-config.js';
import { parseArgs } from '../args/parse-args.js';
import { UsageError } from '../args/usage-error.js';
import type { CliIo } from '../cli-io.js';
import { main } from '../cli-main.js';
import type { Command } from '../command.js';
import { formatCommandHelp } from '../format-help.js';
import { ptCommand } from './pt.js';
import { sftCommand } from './sft.js';
import { trainingConfig } from './training-options.js';

const PT_DATA = new URL('../../../../data/medicalgpt/pretrain/fever.txt', import.meta.url).pathname;
const SFT_DATA = new URL('../../../../data/medicalgpt/sft/medical_sft_1K_format.jsonl', import.meta.url)
  .pathname;
const dir = mkdtempSync(join(tmpdir(), 'medgpt-cli-sft-'));

/** What `medgpt <command> ...argv` does once the command is found (cli-main's flow). */
async function runTrainingCommand(command: Command, argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd: dir,
    env: {},
  };
  let code: number;
  try {
    const { path, rest } = extractConfigPath(argv, true);
    const config = path ? await loadConfig(path) : undefined;
    const parsed = parseArgs(rest, command.options, { config });
    code = await command.run(parsed.options, { io, positionals: [] });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    stderr += `${err.message}\n${err.hint ?? ''}`;
    code = 2;
  }
  return { code, stdout, stderr };
}

/** `medgpt ...argv` through the CLI's entry, as a user runs it (exit codes included). */
async function runMain(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd: dir,
    env: {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('medgpt sft', () => {
  let base: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    base = join(dir, 'base');
    await createTinyModel({ seed: 2, hiddenSize: 32, intermediateSize: 64 }, base);
  });

  it("takes MedicalGPT's and transformers' flag names, listed in --help", () => {
    const help = formatCommandHelp(sftCommand as unknown as Command);
    for (const flag of [
      '--model_name_or_path DIR',
      '--train_file_dir DIR',
      '--template_name NAME',
      '--use_peft',
      '--lora_rank R',
      '--model_max_length N',
      '--neft_alpha N',
      '--per_device_train_batch_size N',
      '--gradient_accumulation_steps N',
      '--lr_scheduler_type {linear, cosine,',
      '--resume_from_checkpoint DIR|true',
      '--save_total_limit N',
      '--gradient_checkpointing',
    ])
      expect(help).toContain(flag);
  });

  it("--shift_attn is pt's and sft's own option (LongLoRA S2-Attn), not a no-op there", () => {
    const required = ['--model_name_or_path', 'm', '--train_file_dir', 'd'];
    const io = { stdout: () => undefined, stderr: () => undefined, cwd: dir, env: {} };
    for (const [command, docs] of [
      [ptCommand, PT_OPTION_DOCS],
      [sftCommand, SFT_OPTION_DOCS],
    ] as const) {
      const help = formatCommandHelp(command as unknown as Command);
      const entry = help.slice(help.indexOf('--shift_attn'), help.indexOf('--shift_attn') + 120);
      expect(entry).toMatch(/LongLoRA/);
      expect(help).not.toMatch(/--shift_attn\s+\(accepted, no effect/);
      const parsed = parseArgs([...required, '--shift_attn'], command.options);
      expect(trainingConfig(parsed.options, docs, io).shift_attn).toBe(true);
    }
  });

  it('refuses unknown flags and bad values, naming the option and the valid values (exit 2)', async () => {
    const required = ['--model_name_or_path', base, '--train_file_dir', SFT_DATA];
    const typo = await runTrainingCommand(sftCommand as unknown as Command, [
      ...required,
      '--learning_rat',
      '1e-4',
    ]);
    expect(typo).toMatchObject({ code: 2 });
    expect(typo.stderr).toContain('unknown option --learning_rat');
    expect(typo.stderr).toContain('did you mean --learning_rate?');
    const choice = await runTrainingCommand(sftCommand as unknown as Command, [
      ...required,
      '--lr_scheduler_type',
      'cosin',
    ]);
    expect(choice.stderr).toMatch(/--lr_scheduler_type must be one of linear, cosine, .*; got "cosin"/);
    const range = await runTrainingCommand(sftCommand as unknown as Command, [
      ...required,
      '--lora_rank',
      '0',
    ]);
    expect(range).toMatchObject({ code: 2, stderr: '--lora_rank is 0; expected an integer >= 1\n' });
    const kwargs = await runTrainingCommand(sftCommand as unknown as Command, [
      ...required,
      '--lr_scheduler_kwargs',
      '{"num_cycles": 2}',
    ]);
    expect(kwargs.stderr).toContain(
      '--lr_scheduler_kwargs is {"num_cycles":2}; expected options of the linear schedule (linear: unknown lr_scheduler_kwargs \'num_cycles\'; this scheduler takes none)',
    );
    const template = await runTrainingCommand(sftCommand as unknown as Command, [
      ...required,
      '--template_name',
      'qwenn',
    ]);
    expect(template.stderr).toMatch(/^--template_name is "qwenn"; expected one of vicuna, .*qwen/);
  });

  it('trains from a --config file plus flags, accepts MedicalGPT run-script flags, writes the outputs', async () => {
    const out = join(dir, 'sft-out');
    const configFile = join(dir, 'sft.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        model_name_or_path: base,
        train_file_dir: SFT_DATA,
        output_dir: out,
        use_peft: false,
      }),
    );
    const { code, stdout, stderr } = await runTrainingCommand(sftCommand as unknown as Command, [
      '--config',
      configFile,
      '--backend',
      'cpu',
      '--torch_dtype',
      'float32',
      '--model_max_length',
      '48',
      '--max_train_samples',
      '8',
      '--max_eval_samples',
      '2',
      '--per_device_train_batch_size',
      '2',
      '--max_steps',
      '3',
      '--logging_steps',
      '1',
      '--save_steps',
      '2',
      '--learning_rate',
      '1e-3',
      '--do_train',
      '--do_eval',
      '--report_to',
      'tensorboard',
      '--ddp_timeout',
      '30000',
      '--lr_scheduler_kwargs',
      '{"num_cycles": 0.5}',
      '--lr_scheduler_type',
      'cosine',
    ]);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(
      'note: --do_train, --do_eval, --report_to: accepted for MedicalGPT compatibility',
    );
    expect(stdout).toMatch(/step 3\/3 \| epoch [\d.]+ \| loss \d/);
    expect(stdout).toContain(`outputs: ${out}`);
    for (const f of [
      'model.safetensors',
      'tokenizer.json',
      'metrics.jsonl',
      'loss.svg',
      'trainer_state.json',
      'eval_results.json',
      'checkpoint-2',
      'checkpoint-3',
    ])
      expect(existsSync(join(out, f)), f).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'tokenizer_config.json'), 'utf8')).padding_side).toBe('left');
  });
});

describe('medgpt sft on a file with bad records', () => {
  let base: string;
  let data: string;
  const turn = (from: string, value: string) => ({ from, value });
  beforeAll(async () => {
    await tf.setBackend('cpu');
    base = join(dir, 'bad-base');
    await createTinyModel({ seed: 2, hiddenSize: 32, intermediateSize: 64 }, base);
    const good = (i: number) => ({
      conversations: [turn('human', `question ${i}?`), turn('gpt', `answer ${i}.`)],
    });
    const lines = [
      good(1),
      { conversations: [turn('human', ''), turn('gpt', 'an answer to nothing')] }, // line 2: empty question
      good(3),
      { conversation: [turn('human', 'typo in the key'), turn('gpt', 'a')] }, // line 4
      good(5),
      { conversations: [turn('human', 'q'), turn('doctor', 'a')] }, // line 6: unknown role
      good(7),
      { conversations: [turn('human', 'no answer')] }, // line 8
      { conversations: [turn('human', 'q'), turn('gpt', '   ')] }, // line 9: empty answer
      good(10),
      { conversations: 'not a list' }, // line 11
    ].map((r) => JSON.stringify(r));
    data = join(dir, 'bad-sft.jsonl');
    writeFileSync(data, `${lines.join('\n')}\n{not json\n`); // line 12
  });
  const run = (out: string, ...extra: string[]) =>
    runMain([
      'sft',
      ...['--model_name_or_path', base, '--train_file_dir', data, '--output_dir', join(dir, out)],
      ...['--backend', 'cpu', '--use_peft', 'false', '--torch_dtype', 'float32', '--model_max_length', '48'],
      ...['--validation_split_percentage', '0', '--max_steps', '1', '--per_device_train_batch_size', '5'],
      ...extra,
    ]);

  it('names every skipped record with file:line and trains only on the valid ones', async () => {
    const { code, stdout, stderr } = await run('bad-out');
    expect(code, stderr).toBe(0);
    const all = stdout + stderr;
    expect(all).toMatch(/sft data: 12 records read, 7 invalid; 5 training samples/);
    for (const line of [2, 4, 6, 8, 9, 11, 12]) expect(all).toContain(`bad-sft.jsonl:${line}`);
    expect(all).toMatch(/empty-value/);
  });

  it('--strict_data stops before training (exit 1), naming the records', async () => {
    const { code, stdout, stderr } = await run('strict-out', '--strict_data');
    expect(code).toBe(1);
    expect(stdout + stderr).toMatch(/--strict_data: 7 record\(s\) or row\(s\) would be skipped/);
    expect(stdout + stderr).toContain('bad-sft.jsonl:2');
    expect(existsSync(join(dir, 'strict-out', 'model.safetensors'))).toBe(false);
  });

  it('a file with no valid record fails with the reasons, not with a split error', async () => {
    const only = join(dir, 'only-bad.jsonl');
    writeFileSync(
      only,
      readFileSync(data, 'utf8')
        .split('\n')
        .filter((_, i) => [1, 3, 5].includes(i))
        .join('\n'),
    );
    const { code, stdout, stderr } = await runMain([
      'sft',
      ...['--model_name_or_path', base, '--train_file_dir', only, '--output_dir', join(dir, 'none-out')],
      ...['--backend', 'cpu', '--use_peft', 'false', '--max_steps', '1'],
    ]);
    expect(code).toBe(1);
    expect(stdout + stderr).toMatch(/only-bad\.jsonl: 3 records read, none usable for sft/);
    expect(stdout + stderr).toContain(
      'only-bad.jsonl:1: error: conversations[0].value: the human turn is empty',
    );
    expect(stdout + stderr).not.toMatch(/test_size|split/);
  });
});

describe('medgpt pt', () => {
  it('trains on text blocks and resumes from its newest checkpoint with --resume_from_checkpoint true', async () => {
    await tf.setBackend('cpu');
    const base = join(dir, 'pt-base');
    await createTinyModel({ seed: 4, hiddenSize: 32, intermediateSize: 64 }, base);
    const out = join(dir, 'pt');
    const argv = (steps: number) => [
      '--model_name_or_path',
      base,
      '--train_file_dir',
      PT_DATA,
      '--output_dir',
      out,
      '--backend',
      'cpu',
      '--use_peft',
      'false',
      '--block_size',
      '32',
      '--max_train_samples',
      '16',
      '--per_device_train_batch_size',
      '4',
      '--max_steps',
      String(steps),
      '--logging_steps',
      '1',
      '--save_steps',
      '2',
    ];
    const first = await runTrainingCommand(ptCommand as unknown as Command, argv(2));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('training blocks of 32 tokens');
    const again = await runTrainingCommand(ptCommand as unknown as Command, [
      ...argv(4),
      '--resume_from_checkpoint',
      'true',
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`Continuing from ${join(out, 'checkpoint-2')} at global step 2`);
    const steps = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((m) => m.loss !== undefined)
      .map((m) => m.step);
    expect(steps).toEqual([1, 2, 3, 4]);
    expect(existsSync(join(out, 'checkpoint-4', 'optimizer.safetensors'))).toBe(true);
  });

  it('--packing false --mask_pad_labels false scores the padding, as MedicalGPT does', async () => {
    await tf.setBackend('cpu');
    const base = join(dir, 'pt-pad-base');
    await createTinyModel({ seed: 4, hiddenSize: 32, intermediateSize: 64 }, base);
    const firstLoss = async (mask: string) => {
      const out = join(dir, `pt-pad-${mask}`);
      const run = await runTrainingCommand(ptCommand as unknown as Command, [
        ...['--model_name_or_path', base, '--train_file_dir', PT_DATA, '--output_dir', out],
        ...['--backend', 'cpu', '--use_peft', 'false', '--block_size', '64', '--max_train_samples', '4'],
        ...['--per_device_train_batch_size', '4', '--max_steps', '1', '--logging_steps', '1'],
        ...['--packing', 'false', '--mask_pad_labels', mask],
      ]);
      expect(run.code, run.stderr).toBe(0);
      const metrics = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
      return (JSON.parse(metrics[0]!) as { loss: number }).loss;
    };
    const masked = await firstLoss('true');
    const scored = await firstLoss('false');
    expect(Number.isFinite(scored)).toBe(true);
    expect(scored).not.toBeCloseTo(masked, 3);
  });
});
