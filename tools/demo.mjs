#!/usr/bin/env node
// `npm run demo` (after the build the npm script runs first): the built `medgpt demo`, timed.
// Arguments pass through: `npm run demo -- --output_dir /tmp/demo --sft_steps 100`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../apps/cli/dist/main.js', import.meta.url));
if (!existsSync(cli)) {
  console.error(`tools/demo.mjs: ${cli} is missing; build first (npm run build)`);
  process.exit(1);
}
const started = performance.now();
const run = spawnSync(process.execPath, [cli, 'demo', ...process.argv.slice(2)], { stdio: 'inherit' });
const seconds = ((performance.now() - started) / 1000).toFixed(0);
console.log(`\nnpm run demo: medgpt demo took ${seconds} s (exit ${run.status ?? run.signal})`);
process.exit(run.status ?? 1);
