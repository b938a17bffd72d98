import { describe, expect, it } from 'vitest';
import type { CliIo } from '../cli-io.js';
import { main } from '../cli-main.js';
import { childCommand } from './launch.js';

/** `medgpt ...argv` through the CLI's own entry, capturing what it prints. */
async function medgpt(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd: process.cwd(),
    env: { ...process.env, MEDGPT_BACKEND: 'cpu' },
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

// A small program each rank runs: prints its place, and rank FAIL exits 3.
const RANK_PROGRAM =
  'const e = process.env; console.log(`rank ${e.RANK}/${e.WORLD_SIZE} local ${e.LOCAL_RANK} device ${e.MEDGPT_CUDA_DEVICE} at ${e.MASTER_ADDR}`);' +
  'if (e.RANK === process.argv[1]) process.exit(3);';

describe('medgpt launch', () => {
  it("starts --nproc_per_node processes with torchrun's variables; their lines carry the rank", async () => {
    const { code, stdout, stderr } = await medgpt(
      'launch',
      '--nproc_per_node',
      '2',
      'node',
      '-e',
      RANK_PROGRAM,
      'none',
    );
    expect(code, stderr).toBe(0);
    expect(stdout.trim().split('\n').sort()).toEqual([
      '[rank 0] rank 0/2 local 0 device 0 at 127.0.0.1',
      '[rank 1] rank 1/2 local 1 device 1 at 127.0.0.1',
    ]);
  });

  it('stops the others when one rank fails, names it and exits 1', async () => {
    const { code, stderr } = await medgpt('launch', '--nproc_per_node', '3', 'node', '-e', RANK_PROGRAM, '1');
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^medgpt launch: rank 1 \(local rank 1, pid \d+\) exited with code 3; stopped the other ranks$/m,
    );
  });

  it('numbers ranks by node; refuses bad flags and a missing command', async () => {
    const { stdout } = await medgpt(
      'launch',
      '--nproc_per_node=1',
      '--nnodes',
      '2',
      '--node_rank',
      '1',
      '--master_port',
      '1',
      'node',
      '-e',
      RANK_PROGRAM,
      'none',
    );
    expect(stdout).toBe('[rank 1] rank 1/2 local 0 device 0 at 127.0.0.1\n');
    expect((await medgpt('launch', '--nproc_per_node', '2')).stderr).toMatch(/no command to run/);
    expect(
      (await medgpt('launch', '--nproc_per_node', '1', '--nnodes', '2', '--node_rank', '2', 'x')).stderr,
    ).toMatch(/--node_rank 2 must be below --nnodes 2/);
  });

  it('runs medgpt commands with this CLI and scripts with this node; --help after the command is the command’s', async () => {
    expect(childCommand(['sft', '--help'], ['sft', 'pt'])).toEqual([
      process.execPath,
      expect.stringMatching(/medgpt(\.mjs)?$|main\.js$/),
      'sft',
      '--help',
    ]);
    expect(childCommand(['train.mjs', '--x'], ['sft'])).toEqual([process.execPath, 'train.mjs', '--x']);
    expect(childCommand(['python3', 'train.py'], ['sft'])).toEqual(['python3', 'train.py']);
    const help = await medgpt('launch', '--help');
    expect(help.stdout).toMatch(/medgpt launch --nproc_per_node N \[options\] COMMAND \[ARGS\.\.\.\]/);
  });
});
