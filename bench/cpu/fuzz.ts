// One worker of the parser fuzz bench (bench/cpu/fuzz.mjs starts them): runs `--runs` inputs of one target
// from the seed `--seed`, counts what went wrong by kind (crash / wrong-result / hang), and prints
// progress lines for the parent's watchdog and a final JSON line. Inputs slower than `--slow-ms` count
// as hangs. The targets are the packages' *.fuzz.ts files, the same ones their *.fuzz.test.ts run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { FuzzFailure, noGuard, type FuzzTarget } from '../../tools/fuzz/fuzz-kit.js';
import { SAFETENSORS_TARGETS } from '../../packages/core-tensor/src/safetensors/safetensors-file.fuzz.js';
import { convertTarget } from '../../packages/data/src/convert/convert-dataset.fuzz.js';
import { RECORD_TARGETS } from '../../packages/data/src/formats/check-record.fuzz.js';
import { loadStageTarget } from '../../packages/data/src/load-records.fuzz.js';
import { READ_TARGETS } from '../../packages/data/src/read/read-records.fuzz.js';
import { MODEL_CONFIG_TARGETS } from '../../packages/models/src/config/parse-model-config.fuzz.js';
import { adapterConfigTarget } from '../../packages/peft/src/config/adapter-config-json.fuzz.js';
import { TEMPLATE_TARGETS } from '../../packages/templates/src/chat-template.fuzz.js';
import { loadTokenizerTarget } from '../../packages/tokenizer/src/load-tokenizer.fuzz.js';

// Every parser that reads user files, by package (bottom of the layering first).
const TARGETS: readonly FuzzTarget[] = [
  ...SAFETENSORS_TARGETS,
  loadTokenizerTarget,
  ...TEMPLATE_TARGETS,
  ...MODEL_CONFIG_TARGETS,
  adapterConfigTarget,
  ...READ_TARGETS,
  ...RECORD_TARGETS,
  loadStageTarget,
  convertTarget,
];

const { values } = parseArgs({
  options: {
    target: { type: 'string' },
    runs: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    'slow-ms': { type: 'string', default: '2000' },
    list: { type: 'boolean' },
  },
});

if (values.list) {
  for (const t of TARGETS) console.log(t.name);
  process.exit(0);
}

const target = TARGETS.find((t) => t.name === values.target);
if (!target) {
  console.error(`unknown target ${values.target}; --list lists them`);
  process.exit(2);
}
const runs = Number(values.runs);
const slowMs = Number(values['slow-ms']);
const counts = { inputs: 0, crash: 0, 'wrong-result': 0, hang: 0 };
const examples: string[] = [];
let maxMs = 0;
let lastReport = performance.now();
const started = performance.now();

// The first failing inputs in full, to replay (the printed examples are cut).
const failureDir = join(dirname(fileURLToPath(import.meta.url)), 'fuzz-failures');

function note(kind: keyof typeof counts, input: unknown, message: string): void {
  counts[kind] += 1;
  if (examples.length >= 5) return;
  const text = fc.stringify(input);
  const file = join(failureDir, `${target!.name.replace(/\W+/g, '-')}-${values.seed}-${counts.inputs}.txt`);
  mkdirSync(failureDir, { recursive: true });
  writeFileSync(file, `${kind}: ${message}\n${text}\n`);
  examples.push(`${kind}: ${message.slice(0, 400)} <- ${text.slice(0, 1000)} (all of it: ${file})`);
}

const property = fc.asyncProperty(target.arbitrary, async (input) => {
  const t0 = performance.now();
  try {
    await target.check(input, noGuard);
  } catch (err) {
    if (err instanceof FuzzFailure) {
      // Where the parser threw: the first frames of the cause's stack.
      const stack = (err.cause as Error | undefined)?.stack?.split('\n').slice(1, 4).join(' /') ?? '';
      note(err.kind, input, `${err.message}${stack ? ` at${stack}` : ''}`);
    } else note('crash', input, `the check itself threw ${String(err)}`);
  }
  const ms = performance.now() - t0;
  if (ms > maxMs) maxMs = ms;
  if (ms > slowMs) note('hang', input, `took ${ms.toFixed(0)} ms`);
  counts.inputs += 1;
  if (t0 - lastReport > 2000) {
    lastReport = t0;
    console.log(JSON.stringify({ progress: counts.inputs }));
  }
  return true;
});

const details = await fc.check(property, { numRuns: runs, seed: Number(values.seed) });
if (details.failed) note('crash', undefined, `fast-check stopped: ${String(details.errorInstance)}`);
console.log(
  JSON.stringify({
    target: target.name,
    seed: Number(values.seed),
    ...counts,
    seconds: (performance.now() - started) / 1000,
    maxInputMs: maxMs,
    examples,
  }),
);
