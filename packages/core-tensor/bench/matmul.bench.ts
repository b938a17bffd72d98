// Times our cpu/wasm kernels against tfjs's stock ones, in one process (KERNELS.md quotes the numbers).
// Not a test. Run from packages/core-tensor (esbuild bundles tfjs's ESM builds, which plain Node cannot load):
//   npx esbuild bench/matmul.bench.ts --bundle --platform=node --format=esm --main-fields=module,main \
//     --outfile=/tmp/matmul.bench.mjs "--banner:js=import { createRequire as __cr } from 'node:module'; \
//     import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; \
//     const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); \
//     const __dirname = __dn(__filename);" && node /tmp/matmul.bench.mjs [cpu|wasm ...]
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerBackendKernels, restoreStockKernels, tf } from '../src/index.js';

interface Case {
  name: string;
  /** Builds the inputs once; `run` is then timed. */
  setup: () => tf.Tensor[];
  run: (inputs: tf.Tensor[]) => tf.Tensor;
  /** Repetitions after one warm-up run (the median is reported). */
  reps: number;
  /** tfjs has no such kernel on this backend: time ours only. */
  noStock?: boolean;
}

const matMulCase = (shapeA: number[], shapeB: number[], ta: boolean, tb: boolean, reps: number): Case => ({
  name: `matMul [${shapeA}]${ta ? 'ᵀ' : ''} x [${shapeB}]${tb ? 'ᵀ' : ''}`,
  setup: () => [tf.randomUniform(shapeA, -1, 1, 'float32', 1), tf.randomUniform(shapeB, -1, 1, 'float32', 2)],
  run: ([a, b]) => tf.matMul(a!, b!, ta, tb),
  reps,
});

/** The embedding gradient: numSegments rows of width d, n token rows scattered into them. */
const segmentSumCase = (numSegments: number, n: number, d: number, reps: number, noStock = false): Case => ({
  name: `unsortedSegmentSum vocab ${numSegments}, ${n} tokens x ${d}`,
  setup: () => [
    tf.randomUniform([n, d], -1, 1, 'float32', 3),
    tf.randomUniform([n], 0, numSegments, 'int32', 4),
  ],
  run: ([x, ids]) => tf.unsortedSegmentSum(x!, ids as tf.Tensor1D, numSegments),
  reps,
  noStock,
});

const CASES: Record<string, Case[]> = {
  cpu: [
    matMulCase([256, 256], [256, 256], false, false, 3),
    matMulCase([256, 256], [256, 256], true, false, 3),
    matMulCase([256, 256], [256, 256], false, true, 3),
    matMulCase([256, 256], [256, 256], true, true, 3),
    matMulCase([512, 512], [512, 512], false, false, 3),
    matMulCase([1024, 1024], [1024, 1024], false, false, 1),
    matMulCase([8, 128, 64], [8, 128, 64], false, true, 3),
    matMulCase([1, 1024], [4096, 1024], false, true, 5),
    segmentSumCase(2000, 256, 64, 3),
  ],
  wasm: [
    matMulCase([1024, 1024], [1024, 1024], false, false, 5),
    matMulCase([1024, 1024], [1024, 1024], true, false, 3),
    matMulCase([1024, 1024], [1024, 1024], false, true, 3),
    matMulCase([1024, 1024], [1024, 1024], true, true, 3),
    matMulCase([1024, 256], [1024, 256], false, true, 5),
    matMulCase([1024, 256], [1024, 256], true, false, 5),
    matMulCase([4, 256, 256], [256, 256], false, false, 5),
    matMulCase([32, 128, 64], [32, 128, 64], false, true, 5),
    matMulCase([32, 128, 128], [32, 128, 64], false, false, 5),
    matMulCase([64, 32, 32], [64, 32, 32], false, true, 10),
    matMulCase([64, 16, 16], [64, 16, 16], false, true, 10),
    matMulCase([1, 1024], [4096, 1024], false, true, 10),
    segmentSumCase(150_000, 2048, 64, 5, true),
  ],
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median wall time of `run`, including reading the result back (so lazy work is counted). */
function timeRun(c: Case, inputs: tf.Tensor[]): number {
  const once = () => {
    const start = performance.now();
    const out = c.run(inputs);
    out.dataSync();
    const ms = performance.now() - start;
    out.dispose();
    return ms;
  };
  once();
  return median(Array.from({ length: c.reps }, once));
}

async function benchBackend(backend: string): Promise<void> {
  await tf.setBackend(backend);
  console.log(`\n${backend}: case | tfjs stock ms | ours ms | speedup`);
  for (const c of CASES[backend]!) {
    const inputs = c.setup();
    let stockMs = NaN;
    if (!c.noStock) {
      restoreStockKernels();
      stockMs = timeRun(c, inputs);
      registerBackendKernels();
    }
    const oursMs = timeRun(c, inputs);
    const ratio = c.noStock ? 'tfjs has no kernel' : `${(stockMs / oursMs).toFixed(1)}x`;
    console.log(`${c.name} | ${c.noStock ? '-' : stockMs.toFixed(1)} | ${oursMs.toFixed(1)} | ${ratio}`);
    tf.dispose(inputs);
  }
}

// Bundled, the wasm backend looks for its .wasm files beside the bundle; point it at the package.
const fromCwd = createRequire(pathToFileURL(`${process.cwd()}/`));
setWasmPaths(`${dirname(fromCwd.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
const backends = process.argv.slice(2);
for (const backend of backends.length > 0 ? backends : ['wasm', 'cpu']) await benchBackend(backend);
