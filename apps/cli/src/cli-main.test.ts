import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './cli-main.js';
import type { CliIo } from './cli-io.js';
import { CLI_VERSION } from './version.js';

const sample = (rel: string) => new URL(`../../../data/medicalgpt/${rel}`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'medgpt-cli-'));

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd: process.cwd(),
    env: {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('medgpt', () => {
  it('lists its commands, and suggests one for a typo (exit 2)', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/validate .*\n.*convert/);
    const typo = await run('convrt');
    expect([typo.code, typo.stderr]).toEqual([
      2,
      'medgpt: unknown command "convrt"\n  did you mean "convert"?\n',
    ]);
    expect((await run()).code).toBe(2);
  });

  it('prints per-command help with every option', async () => {
    const { code, stdout } = await run('convert', '--help');
    expect(code).toBe(0);
    for (const flag of [
      '--in_file PATH',
      '--out_file PATH',
      '--data_type {alpaca,qa,sharegpt,json2jsonl,preference,auto}',
      '--strict',
      '--config PATH',
    ]) {
      expect(stdout).toContain(flag);
    }
  });

  it('validate: MedicalGPT sample data passes (exit 0)', async () => {
    const { code, stdout } = await run(
      'validate',
      sample('sft/glaive_toolcall_zh_demo.jsonl'),
      '--stage',
      'sft',
    );
    expect(code).toBe(0);
    expect(stdout).toContain('300 records in 1 file: 300 valid');
  });

  it('validate: lists each bad record with file:line and fails (exit 1)', async () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(
      file,
      [
        '{"conversations":[{"from":"human","value":"Q"},{"from":"gpt","value":"A"}]}',
        '{oops',
        '{"conversations":[{"from":"bot","value":"x"}]}',
      ].join('\n'),
    );
    const { code, stdout } = await run('validate', '--file_path', file);
    expect(code).toBe(1);
    expect(stdout).toContain(`${file}:2: error: invalid JSON`);
    expect(stdout).toContain(`${file}:3: error: conversations[0].from: unknown role "bot"`);
    expect(stdout).toContain('3 records in 1 file: 1 valid (0 with warnings), 2 invalid');
  });

  it('validate --strict fails on warnings; --json prints the report', async () => {
    const file = join(dir, 'warn.jsonl');
    writeFileSync(
      file,
      '{"conversations":[{"from":"human","value":"Q"},{"from":"gpt","value":"A"},{"from":"human","value":"Q2"}]}\n',
    );
    expect((await run('validate', file)).code).toBe(0);
    expect((await run('validate', file, '--strict')).code).toBe(1);
    const json = await run('validate', file, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ records: 1, valid: 1, withWarnings: 1 });
  });

  it('validate fails (exit 1) when there is nothing to check: no data files, or files without records', async () => {
    const none = join(dir, 'no-data');
    mkdirSync(none);
    writeFileSync(join(none, 'notes.md'), '# not data\n');
    const missing = await run('validate', none);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(
      `No data files found in ${none}: expected files ending in .jsonl, .json, .txt.`,
    );
    const sft = await run('validate', none, '--stage', 'sft');
    expect(sft.stdout).toContain('expected files ending in .jsonl.');
    const blank = join(dir, 'blank.jsonl');
    writeFileSync(blank, '\n\n');
    const empty = await run('validate', blank);
    expect(empty.code).toBe(1);
    expect(empty.stdout).toContain(`The data files hold no records: ${blank}.`);
  });

  it('convert: Alpaca JSON to ShareGPT JSONL, with options from --config (flags win)', async () => {
    const inFile = join(dir, 'alpaca.json');
    writeFileSync(inFile, JSON.stringify([{ instruction: 'I', input: 'x', output: 'O' }]));
    const config = join(dir, 'convert.json');
    writeFileSync(
      config,
      JSON.stringify({ in_file: inFile, 'out-file': join(dir, 'ignored.jsonl'), data_type: 'alpaca' }),
    );
    const outFile = join(dir, 'out.jsonl');
    const { code, stdout } = await run('convert', '--config', config, '--out_file', outFile);
    expect(code).toBe(0);
    expect(stdout).toContain(`Converted 1 samples: ${inFile} -> ${outFile}`);
    expect(JSON.parse(readFileSync(outFile, 'utf8'))).toEqual({
      conversations: [
        { from: 'human', value: 'I\n\nx' },
        { from: 'gpt', value: 'O' },
      ],
    });
    expect(existsSync(join(dir, 'ignored.jsonl'))).toBe(false);
  });

  it('convert --strict stops at the first bad record (exit 1); a missing input is a failure, bad flags usage', async () => {
    const inFile = join(dir, 'bad.json');
    writeFileSync(inFile, '[{"instruction":"I","output":"O"},{"instruction":"no output"}]');
    const strict = await run(
      'convert',
      '--in_file',
      inFile,
      '--out_file',
      join(dir, 'strict.jsonl'),
      '--strict',
    );
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(`${inFile}:1: error: output: missing "output"`);
    expect(existsSync(join(dir, 'strict.jsonl'))).toBe(false);
    const missing = await run(
      'convert',
      '--in_file',
      join(dir, 'none.json'),
      '--out_file',
      join(dir, 'x.jsonl'),
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^medgpt convert: error: .*none\.json: no such file or directory/);
    expect((await run('convert', '--out_file', 'x')).stderr).toContain('--in_file is required');
    expect((await run('convert', '--in_file', 'a', '--out_file', 'b', '--data_type', 'alpacca')).code).toBe(
      2,
    );
  });
});

const built = new URL('../dist/main.js', import.meta.url).pathname;
const dataBuilt = new URL('../../../packages/data/dist/index.js', import.meta.url).pathname;

describe.skipIf(!existsSync(built) || !existsSync(dataBuilt))(
  'dist/main.js (the installed executable)',
  () => {
    it("runs as a child process and exits with the command's code", () => {
      const ok = execFileSync(process.execPath, [built, 'validate', sample('grpo'), '--stage', 'grpo'], {
        encoding: 'utf8',
      });
      expect(ok).toContain('32 records in 1 file: 32 valid');
      let code = 0;
      try {
        execFileSync(process.execPath, [built, 'validate', '--no-such-flag'], { stdio: 'pipe' });
      } catch (err) {
        code = (err as { status: number }).status;
      }
      expect(code).toBe(2);
    });

    it('bin/medgpt.mjs, the file npm links as `medgpt`, runs it', () => {
      const bin = new URL('../bin/medgpt.mjs', import.meta.url).pathname;
      const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
        bin: Record<string, string>;
      };
      expect(manifest.bin).toEqual({ medgpt: './bin/medgpt.mjs' });
      expect(execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' })).toBe(
        `${CLI_VERSION}\n`,
      );
    });
  },
);
