import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../command.js';
import { formatCommandHelp } from '../format-help.js';
import { runCommand } from '../testing/run-command.js';
import { grpoCommand } from './grpo.js';
import { rlooCommand } from './rloo.js';
import { ppoCommand } from './ppo.js';
import { distillCommand } from './distill.js';

const GRPO_DATA = new URL('../../../../data/medicalgpt/grpo', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'medgpt-cli-rl-'));
let base: string;

const run = (command: Command, argv: string[]) => runCommand(command, argv, dir);

describe('medgpt grpo', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    base = join(dir, 'base');
    await createTinyModel({ seed: 5, hiddenSize: 32, intermediateSize: 64 }, base);
  });

  it('--help documents every flag with its default', () => {
    const help = formatCommandHelp(grpoCommand);
    for (const flag of [
      '--num_generations',
      '--beta',
      '--loss_type',
      '--reward_funcs',
      '--lora_target_modules',
      '--dtype',
    ])
      expect(help, flag).toContain(flag);
    expect(help).toMatch(
      /--num_generations G\s+completions sampled per prompt \(the group\)[^-]{0,80}default:? 8/,
    );
  });

  it("trains on the sample rows with run_grpo.sh's flags (space-separated target modules), TRL-named metrics", async () => {
    const out = join(dir, 'grpo');
    const { code, stdout, stderr } = await run(grpoCommand, [
      '--model_name_or_path',
      base,
      '--train_file_dir',
      GRPO_DATA,
      '--output_dir',
      out,
      '--backend',
      'cpu',
      '--train_samples',
      '-1',
      '--max_steps',
      '2',
      '--dtype',
      'bfloat16',
      '--bf16',
      'True',
      '--report_to',
      'tensorboard',
      '--remove_unused_columns',
      'False',
      '--gradient_checkpointing',
      'False',
      '--beta',
      '0.001',
      '--learning_rate',
      '5.0e-7',
      '--lr_scheduler_type',
      'cosine',
      '--warmup_ratio',
      '0.03',
      '--use_vllm',
      'False',
      '--logging_steps',
      '1',
      '--use_peft',
      'True',
      '--qlora',
      'False',
      '--load_in_4bit',
      'False',
      '--lora_target_modules',
      'q_proj',
      'k_proj',
      'v_proj',
      'o_proj',
      'gate_proj',
      'up_proj',
      'down_proj',
      '--lora_r',
      '16',
      '--lora_alpha',
      '32',
      '--lora_dropout',
      '0.1',
      '--per_device_train_batch_size',
      '4',
      '--per_device_eval_batch_size',
      '1',
      '--num_generations',
      '4',
      '--gradient_accumulation_steps',
      '1',
      '--max_completion_length',
      '16',
      '--save_strategy',
      'steps',
      '--save_total_limit',
      '13',
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('grpo data: 32 records read, 0 invalid');
    expect(stdout).toContain('LoRA r=16 alpha=32 on q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj');
    const entry = JSON.parse(readFileSync(join(out, 'metrics.jsonl'), 'utf8').split('\n')[0]!) as Record<
      string,
      number
    >;
    for (const name of [
      'loss',
      'reward',
      'reward_std',
      'rewards/accuracy/mean',
      'rewards/format/mean',
      'kl',
      'entropy',
    ])
      expect(entry[name], name).toBeTypeOf('number');
    expect(existsSync(join(out, 'adapter_config.json'))).toBe(true);
  });

  it("medgpt rloo takes run_ppo.sh's flags (policy from --sft_model_path, a reward model) and trains", async () => {
    const rm = join(dir, 'rm');
    await createTinyModel({ seed: 6, hiddenSize: 32, intermediateSize: 64, numLabels: 1 }, rm);
    const sft = new URL('../../../../data/medicalgpt/sft/medical_sft_1K_format.jsonl', import.meta.url)
      .pathname;
    const out = join(dir, 'rloo');
    const { code, stdout, stderr } = await run(rlooCommand, [
      '--sft_model_path',
      base,
      '--reward_model_path',
      rm,
      '--model_name_or_path',
      base,
      '--dtype',
      'bfloat16',
      '--train_file_dir',
      sft,
      '--validation_file_dir',
      sft,
      '--max_source_length',
      '32',
      '--max_completion_length',
      '8',
      '--per_device_train_batch_size',
      '2',
      '--gradient_accumulation_steps',
      '1',
      '--gradient_checkpointing',
      'True',
      '--do_train',
      '--max_steps',
      '2',
      '--output_dir',
      out,
      '--backend',
      'cpu',
      '--report_to',
      'tensorboard',
      '--logging_steps',
      '1',
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(
      /rloo data: 1000 records read, 0 invalid; \d+ training prompts \(one per human turn\)/,
    );
    expect(stdout).toContain('rewards reward_model');
    const entry = JSON.parse(readFileSync(join(out, 'metrics.jsonl'), 'utf8').split('\n')[0]!) as Record<
      string,
      number
    >;
    for (const name of ['loss', 'reward', 'rewards/reward_model/mean', 'kl'])
      expect(entry[name], name).toBeTypeOf('number');
    expect(existsSync(join(out, 'model.safetensors'))).toBe(true);
  });

  it('medgpt ppo trains with a reward model and a value model, writing TRL-named metrics', async () => {
    const rm = join(dir, 'rm-ppo');
    await createTinyModel({ seed: 7, hiddenSize: 32, intermediateSize: 64, numLabels: 1 }, rm);
    const sft = new URL('../../../../data/medicalgpt/sft/medical_sft_1K_format.jsonl', import.meta.url)
      .pathname;
    const out = join(dir, 'ppo');
    const { code, stdout, stderr } = await run(ppoCommand, [
      '--sft_model_path',
      base,
      '--reward_model_path',
      rm,
      '--train_file_dir',
      sft,
      '--output_dir',
      out,
      '--backend',
      'cpu',
      '--max_source_length',
      '32',
      '--response_length',
      '6',
      '--per_device_train_batch_size',
      '2',
      '--num_ppo_epochs',
      '2',
      '--max_steps',
      '2',
      '--logging_steps',
      '1',
      '--use_peft',
      '--lora_r',
      '4',
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/ppo data: 1000 records read, 0 invalid; \d+ training prompts/);
    const entry = JSON.parse(readFileSync(join(out, 'metrics.jsonl'), 'utf8').split('\n')[0]!) as Record<
      string,
      number
    >;
    for (const name of ['loss', 'objective/kl', 'objective/scores', 'loss/value_avg', 'policy/clipfrac_avg'])
      expect(entry[name], name).toBeTypeOf('number');
    expect(existsSync(join(out, 'adapter_config.json'))).toBe(true);
  });

  it('medgpt distill trains the student on a teacher with the same tokenizer', async () => {
    const teacher = join(dir, 'teacher');
    await createTinyModel({ seed: 8, hiddenSize: 32, intermediateSize: 64 }, teacher);
    const sft = new URL('../../../../data/medicalgpt/sft/medical_sft_1K_format.jsonl', import.meta.url)
      .pathname;
    const out = join(dir, 'distill');
    const { code, stdout, stderr } = await run(distillCommand, [
      '--model_name_or_path',
      base,
      '--teacher_model_name_or_path',
      teacher,
      '--train_file_dir',
      sft,
      '--output_dir',
      out,
      '--backend',
      'cpu',
      '--max_prompt_length',
      '32',
      '--max_new_tokens',
      '6',
      '--per_device_train_batch_size',
      '2',
      '--max_steps',
      '2',
      '--logging_steps',
      '1',
      '--opd_lambda',
      '0.5',
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/distill data: 1000 records read, 0 invalid; \d+ samples/);
    expect(existsSync(join(out, 'model.safetensors'))).toBe(true);
  });
});
