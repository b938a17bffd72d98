// `medgpt launch` without the rest of the CLI, for bundles on machines without node_modules:
//   node medgpt-launch.mjs --nproc_per_node N [--nnodes M --node_rank R --master_addr A --master_port P] PROGRAM ARGS...
// (PROGRAM ending in .mjs/.js runs under this node.) The CLI's `medgpt launch` is the same launcher.
import { launch } from '@medgpt/distributed';

const argv = process.argv.slice(2);
const flags: Record<string, number | string> = {};
while (argv[0]?.startsWith('--')) {
  const [flag, inline] = argv.shift()!.slice(2).split('=', 2);
  flags[flag!.replace(/-/g, '_')] = inline ?? argv.shift()!;
}
const program = argv[0]?.match(/\.[cm]?js$/) ? [process.execPath, ...argv] : argv;
const result = await launch({
  nprocPerNode: Number(flags.nproc_per_node ?? 1),
  nnodes: flags.nnodes === undefined ? undefined : Number(flags.nnodes),
  nodeRank: flags.node_rank === undefined ? undefined : Number(flags.node_rank),
  masterAddr: flags.master_addr === undefined ? undefined : String(flags.master_addr),
  masterPort: flags.master_port === undefined ? undefined : Number(flags.master_port),
  command: program,
});
if (result.failure) console.error(`medgpt launch: ${result.failure.message}; stopped the other ranks`);
process.exit(result.exitCode);
