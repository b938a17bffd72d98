import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../args/parse-args.js';
import type { CliIo } from '../cli-io.js';
import { demoCommand } from './demo.js';

describe('medgpt demo', () => {
  it('runs tokenizer -> PT -> SFT -> DPO -> chat on the sample data and says where everything is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medgpt-demo-'));
    let stdout = '';
    const io: CliIo = { stdout: (t) => void (stdout += t), stderr: () => undefined, cwd: dir, env: {} };
    // Short runs of every stage (the real demo trains longer); the sample data is found from this file.
    const argv = [
      '--output_dir',
      'demo',
      '--backend',
      'cpu',
      '--vocab_size',
      '600',
      '--pt_steps',
      '4',
      '--sft_steps',
      '6',
      '--dpo_steps',
      '4',
    ];
    const { options } = parseArgs(argv, demoCommand.options);
    expect(await demoCommand.run(options, { io, positionals: [] })).toBe(0);
    for (const stage of [
      '[1/6] domain tokenizer',
      '[2/6] a tiny Qwen2',
      '[3/6] continued pretraining',
      '[4/6] supervised fine-tuning',
      '[5/6] DPO on the short pairs',
      '[6/6] chat',
    ])
      expect(stdout).toContain(stage);
    expect(stdout).toMatch(/ {2}loss \d+\.\d{3} -> \d+\.\d{3}; eval loss \d+\.\d{3}\n/);
    expect(stdout).toContain("the data's answer: ");
    expect(stdout).toMatch(/after SFT: {2}.+\n/);
    expect(stdout).toMatch(/after DPO: {2}.+\n/);
    expect(stdout).toMatch(/dpo data: 500 records read, 0 invalid; \d+ training pairs/);
    // DPO starts from policy = reference (margin 0) and the chosen answers pull ahead.
    expect(stdout).toMatch(/reward margin \(chosen - rejected\) 0\.000 -> \d+\.\d{3} \(rising: /);
    expect(stdout).toContain(`Outputs in ${join(dir, 'demo')}`);
    for (const path of [
      'tokenizer/tokenizer.json',
      'base/model.safetensors',
      'pt/loss.svg',
      'sft/model.safetensors',
      'sft/metrics.jsonl',
      'dpo/model.safetensors',
      'dpo/metrics.jsonl',
    ])
      expect(existsSync(join(dir, 'demo', path)), path).toBe(true);
  });

  it('--pipeline rlhf runs tokenizer -> PT -> SFT -> RM -> RLOO -> chat and says whether the reward rose', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medgpt-demo-rlhf-'));
    let stdout = '';
    const io: CliIo = { stdout: (t) => void (stdout += t), stderr: () => undefined, cwd: dir, env: {} };
    const argv = [
      '--output_dir',
      'demo',
      '--backend',
      'cpu',
      '--vocab_size',
      '600',
      '--pt_steps',
      '4',
      '--sft_steps',
      '6',
    ];
    const { options } = parseArgs(
      [...argv, '--pipeline', 'rlhf', '--rm_steps', '4', '--rl_steps', '3'],
      demoCommand.options,
    );
    expect(await demoCommand.run(options, { io, positionals: [] })).toBe(0);
    for (const stage of [
      '[4/7] supervised fine-tuning',
      '[5/7] reward model',
      '[6/7] RLOO of the SFT model',
      '[7/7] chat',
    ])
      expect(stdout).toContain(stage);
    expect(stdout).toMatch(/rloo data: 1000 records read, 0 invalid; \d+ training prompts/);
    expect(stdout).toMatch(
      /reward \(the reward model's score\) -?\d+\.\d{3} -> -?\d+\.\d{3} \((rose|did not rise)/,
    );
    expect(stdout).toMatch(/after RLOO: .+\n/);
    for (const path of ['rm/model.safetensors', 'rloo/model.safetensors', 'rloo/metrics.jsonl'])
      expect(existsSync(join(dir, 'demo', path)), path).toBe(true);
  });
});
