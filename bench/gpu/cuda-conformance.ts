// The cuda backend's conformance suite as a program, for the GPU machine (which has no vitest): every
// case of @medgpt/backend-cuda's suite on cuda against tfjs-backend-cpu, outputs and gradients.
//
//   node .device/cuda/cuda-conformance.mjs [--group NAME] [--filter REGEX] [--json FILE]
//   node .device/cuda/cuda-conformance.mjs --backend wasm   (checks the cases themselves on a CPU machine)
//
// Bundled by bench/gpu/cuda-bundle.mjs; docs/cuda.md has the device command. Exit code: 0 all passed,
// 1 some failed, 2 cuda could not load.
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { tf } from '@medgpt/core-tensor';
import {
  cudaProvider,
  cudaRuntime,
  experimental_conformanceCases,
  experimental_runConformance,
  type ConformanceResult,
} from '@medgpt/backend-cuda';

const { values: args } = parseArgs({
  options: {
    group: { type: 'string' },
    filter: { type: 'string' },
    json: { type: 'string' },
    list: { type: 'boolean' },
    backend: { type: 'string' },
  },
});

const groups = experimental_conformanceCases();
if (args.list) {
  for (const [group, cases] of Object.entries(groups)) console.log(`${group}: ${cases.length} cases`);
  process.exit(0);
}

const backend = args.backend ?? 'cuda';
let device: unknown = backend;
if (backend === 'cuda') {
  const availability = await cudaProvider.load();
  if (!availability.ok) {
    console.error(`cuda backend not available: ${availability.reason}`);
    process.exit(2);
  }
  const info = cudaRuntime()!.device;
  device = info;
  console.log(
    `device ${info.ordinal}: ${info.name}, sm_${info.computeCapability.join('')}, ` +
      `${info.multiprocessors} SMs, ${(info.totalBytes / 2 ** 30).toFixed(1)} GiB, driver API ${info.driverVersion}`,
  );
}
await tf.setBackend('cpu');

const selected = Object.entries(groups).filter(([name]) => args.group === undefined || name === args.group);
if (selected.length === 0)
  throw new Error(`no group '${args.group}'; groups: ${Object.keys(groups).join(', ')}`);
const results: (ConformanceResult & { group: string })[] = [];
for (const [group, cases] of selected) {
  console.log(`\n== ${group}`);
  const started = performance.now();
  const run = await experimental_runConformance({
    cases,
    backend,
    filter: args.filter ? new RegExp(args.filter) : undefined,
    onResult: (r) =>
      console.log(
        `${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(70)} max|diff| ${r.maxAbsError.toExponential(2)}` +
          ` (${(100 * r.toleranceUsed).toFixed(0)}% of tolerance)  ${r.cudaMs.toFixed(1)} ms${r.ok ? '' : `\n     ${r.message}`}`,
      ),
  });
  results.push(...run.map((r) => ({ ...r, group })));
  console.log(`   ${group}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
const failed = results.filter((r) => !r.ok);
console.log(`\n${results.length - failed.length} of ${results.length} cases passed`);
if (args.json) writeFileSync(args.json, JSON.stringify({ device, results }, null, 1));
process.exit(failed.length === 0 ? 0 : 1);
