import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli-main.js';
import type { Command } from '../command.js';
import type { CliIo } from '../cli-io.js';
import { formatCommandHelp } from '../format-help.js';
import { runCommand } from '../testing/run-command.js';
import { cpoCommand, simpoCommand } from './cpo.js';
import { dpoCommand } from './dpo.js';
import { ktoCommand } from './kto.js';
import { orpoCommand } from './orpo.js';
import { rmCommand } from './rm.js';

const PAIRS = new URL('../../../../data/medicalgpt/reward', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'medgpt-cli-pref-'));
let base: string;

const run = (command: Command, argv: string[]) => runCommand(command, argv, dir);

/** A short run on the sample pairs, with the flags MedicalGPT's run_dpo.sh passes that change nothing here. */
const shortRun = (out: string) => [
  '--model_name_or_path',
  base,
  '--train_file_dir',
  PAIRS,
  '--output_dir',
  join(dir, out),
  '--backend',
  'cpu',
  '--max_source_length',
  '64',
  '--max_target_length',
  '64',
  '--per_device_train_batch_size',
  '2',
  '--gradient_accumulation_steps',
  '1',
  '--max_steps',
  '2',
  '--warmup_steps',
  '0',
  '--do_train',
  '--remove_unused_columns',
  'False',
  '--report_to',
  'tensorboard',
];

describe('the preference commands', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    base = join(dir, 'base');
    await createTinyModel({ seed: 5, hiddenSize: 32, intermediateSize: 64 }, base);
  });

  it('--help documents every flag of each, with its default', () => {
    const expectations: [Command, string[]][] = [
      [
        dpoCommand,
        [
          '--beta N',
          '--loss_type TYPE',
          '--precompute_ref_log_probs',
          '--reference_model DIR',
          '(default 0.1)',
          'outputs-dpo',
        ],
      ],
      [orpoCommand, ['--orpo_beta N', 'outputs-orpo']],
      [
        simpoCommand,
        ['--simpo_gamma N', '--cpo_alpha N', '--loss_type {sigmoid,hinge,ipo,simpo}', '(default simpo)'],
      ],
      [cpoCommand, ['--cpo_alpha N', '(default sigmoid)']],
      [ktoCommand, ['--desirable_weight N', '--undesirable_weight N']],
      [rmCommand, ['--center_rewards_coefficient N', 'outputs-rm']],
    ];
    for (const [command, flags] of expectations) {
      const help = formatCommandHelp(command);
      for (const flag of [
        ...flags,
        '--model_name_or_path DIR',
        '--max_source_length N',
        '--template_name NAME',
        '--lora_rank R',
      ])
        expect(help, `${command.name}: ${flag}`).toContain(flag);
    }
  });

  it('an unknown flag is an error naming the closest one (dpo_training.py would ignore it)', async () => {
    const { code, stderr } = await run(dpoCommand, [...shortRun('typo'), '--betta', '0.2']);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown option --betta');
    expect(stderr).toContain('did you mean --beta?');
  });

  it('medgpt dpo trains on the sample pairs with run_dpo.sh-style flags and writes TRL-named metrics', async () => {
    const { code, stdout, stderr } = await run(dpoCommand, [
      ...shortRun('dpo'),
      '--loss_type',
      'ipo',
      '--beta',
      '0.5',
    ]);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(
      'note: --do_train, --remove_unused_columns, --report_to: accepted for MedicalGPT compatibility',
    );
    expect(stdout).toMatch(/dpo data: 511 records read, 0 invalid; \d+ training pairs/);
    expect(stdout).toContain(
      'dpo: β 0.5, loss ipo; reference: the base model with the LoRA adapters disabled',
    );
    const entry = JSON.parse(
      readFileSync(join(dir, 'dpo', 'metrics.jsonl'), 'utf8').split('\n')[0]!,
    ) as Record<string, number>;
    for (const name of [
      'loss',
      'rewards/chosen',
      'rewards/margins',
      'rewards/accuracies',
      'logps/chosen',
      'logits/rejected',
    ])
      expect(entry[name], name).toBeTypeOf('number');
    expect(existsSync(join(dir, 'dpo', 'adapter_config.json'))).toBe(true);
  });

  it('--strict_data: the pairs MedicalGPT would filter out stop the run (exit 1), each named', async () => {
    let stderr = '';
    const io: CliIo = { stdout: () => undefined, stderr: (t) => void (stderr += t), cwd: dir, env: {} };
    const code = await main(['dpo', ...shortRun('strict'), '--strict_data'], io);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /\nmedgpt dpo: error: --strict_data: \d+ record\(s\) or row\(s\) would be skipped/,
    );
    expect(stderr).toMatch(/skipped \d+ rows \(too-long: .*dpo_zh_500\.jsonl:\d+/);
    expect(existsSync(join(dir, 'strict', 'metrics.jsonl'))).toBe(false);
  });

  it('medgpt rm, orpo, simpo and kto train on the same pairs', async () => {
    for (const [command, out, file] of [
      [rmCommand, 'rm', 'adapter_config.json'],
      [orpoCommand, 'orpo', 'adapter_config.json'],
      [simpoCommand, 'simpo', 'adapter_config.json'],
      [ktoCommand, 'kto', 'adapter_config.json'],
    ] as const) {
      const { code, stderr } = await run(command, [...shortRun(out), '--logging_steps', '1']);
      expect(code, `${out}: ${stderr}`).toBe(0);
      expect(existsSync(join(dir, out, file)), out).toBe(true);
      expect(existsSync(join(dir, out, 'metrics.jsonl')), out).toBe(true);
    }
  });
});
