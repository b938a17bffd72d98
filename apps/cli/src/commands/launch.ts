import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MASTER_PORT, launch } from '@medgpt/distributed';
import { UsageError } from '../args/usage-error.js';
import { defineCommand } from '../command.js';

/** `medgpt launch`: torchrun's flags; the launcher itself lives in @medgpt/distributed. */
export const launchCommand = defineCommand({
  name: 'launch',
  summary: 'run a command as several processes, one per GPU (torchrun)',
  usage: '--nproc_per_node N [options] COMMAND [ARGS...]',
  positionals: {
    name: 'COMMAND [ARGS...]',
    description: 'a medgpt command with its options (sft, pt, dpo ...), a .mjs/.js script, or any program',
  },
  passThrough: true,
  description:
    "torchrun for medgpt: starts --nproc_per_node processes with torchrun's environment (RANK, LOCAL_RANK,\n" +
    'WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT) and MEDGPT_CUDA_DEVICE=LOCAL_RANK, so each\n' +
    'uses its own GPU. The training commands find each other through a rendezvous on rank 0, then train data\n' +
    'parallel: each rank takes per_device_train_batch_size rows of every global batch, gradients are summed\n' +
    'across ranks (NCCL on the cuda backend, TCP otherwise), rank 0 logs, evaluates and writes checkpoints.\n' +
    'Global batch = per_device_train_batch_size x processes x gradient_accumulation_steps. --zero_stage 1 (or\n' +
    '--deepspeed zero1.json) shards the optimizer state. Output lines are prefixed [rank N]; when a rank\n' +
    'fails, the others are stopped and the rank is named (exit 1). Several nodes: run it on each with\n' +
    '--nnodes, --node_rank and node 0 as --master_addr. Training commands also run under torchrun itself.',
  examples: [
    'medgpt launch --nproc_per_node 2 sft --model_name_or_path models/base --train_file_dir data/medicalgpt/sft \\\n' +
      '    --per_device_train_batch_size 4 --gradient_accumulation_steps 8 --output_dir outputs-sft',
    'medgpt launch --nproc_per_node 8 --nnodes 2 --node_rank 0 --master_addr 10.0.0.1 --master_port 14545 \\\n' +
      '    pt --model_name_or_path models/base --train_file_dir data/medicalgpt/pretrain --zero_stage 1',
  ],
  options: {
    nproc_per_node: {
      type: 'integer',
      required: true,
      metavar: 'N',
      description: 'processes on this node, one per GPU (process i uses GPU i of CUDA_VISIBLE_DEVICES)',
    },
    nnodes: { type: 'integer', default: 1, metavar: 'M', description: 'nodes in the run' },
    node_rank: {
      type: 'integer',
      default: 0,
      metavar: 'R',
      description: "this node's index, 0 .. nnodes - 1",
    },
    master_addr: {
      type: 'string',
      default: '127.0.0.1',
      metavar: 'HOST',
      description: 'address of node 0, where rank 0 runs the rendezvous',
    },
    master_port: {
      type: 'integer',
      metavar: 'PORT',
      description: `rendezvous port on node 0 (default: a free port on one node, ${DEFAULT_MASTER_PORT} across nodes)`,
    },
  },
  async run(options, { io, positionals }) {
    if (positionals.length === 0)
      throw new UsageError(
        'no command to run',
        'e.g. medgpt launch --nproc_per_node 2 sft --model_name_or_path ...',
      );
    let result;
    try {
      result = await launch({
        nprocPerNode: options.nproc_per_node,
        nnodes: options.nnodes,
        nodeRank: options.node_rank,
        masterAddr: options.master_addr,
        masterPort: options.master_port,
        command: childCommand(positionals, await commandNames()),
        env: io.env,
        stdout: (t) => io.stdout(t),
        stderr: (t) => io.stderr(t),
      });
    } catch (err) {
      if (err instanceof RangeError) throw new UsageError(err.message);
      throw err;
    }
    if (result.failure) io.stderr(`medgpt launch: ${result.failure.message}; stopped the other ranks\n`);
    return result.exitCode;
  },
});

/**
 * What each process runs: a medgpt command runs this CLI again, a script runs under this node, and
 * anything else is a program of its own (torchrun's --no_python).
 */
export function childCommand(positionals: readonly string[], commandNames: readonly string[]): string[] {
  const [first] = positionals;
  if (commandNames.includes(first!)) return [process.execPath, medgptEntry(), ...positionals];
  if (/\.[cm]?js$/.test(first!)) return [process.execPath, ...positionals];
  return [...positionals];
}

/** The `medgpt` executable this process runs (its bin, or dist/main.js). */
function medgptEntry(): string {
  const running = process.argv[1];
  if (running && /^(medgpt(\.mjs)?|main\.js)$/.test(basename(running))) return running;
  for (const rel of ['../bin/medgpt.mjs', '../../bin/medgpt.mjs']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('medgpt launch: cannot find the medgpt executable to start the ranks with');
}

/** medgpt's command names (the registry lists this command too: imported when run, not at load). */
async function commandNames(): Promise<string[]> {
  const { COMMANDS } = await import('./registry.js');
  return COMMANDS.map((c) => c.name);
}
