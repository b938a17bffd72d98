// Lists the tfjs kernels that a tiny model's training step (model.loss + tf.variableGrads + AdamW) and
// greedy generation dispatch, with counts, by wrapping every kernel registered for the backend. This
// is how packages/backend-cuda/src/kernels/training-kernels.ts was made; rerun it when models or
// core-tensor change what they call, and compare.
//
//   node .device/cuda/cuda-kernel-trace.mjs [--backend cpu]      (bundled by bench/gpu/cuda-bundle.mjs)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AdamW, tf } from '@medgpt/core-tensor';
import { cudaProvider } from '@medgpt/backend-cuda';
import { createTinyModel, generate, loadModel } from '@medgpt/models';

const { values: args } = parseArgs({ options: { backend: { type: 'string' } } });
const backend = args.backend ?? 'cpu';
if (backend === 'cuda' && !(await cudaProvider.load()).ok) throw new Error('cuda backend not available');

const counts = new Map<string, Map<string, number>>();
let phase = 'setup';
for (const config of tf.getKernelsForBackend(backend)) {
  const original = config.kernelFunc;
  tf.unregisterKernel(config.kernelName, backend);
  tf.registerKernel({
    ...config,
    kernelFunc: (kernelArgs) => {
      const phaseCounts = counts.get(phase) ?? new Map<string, number>();
      counts.set(phase, phaseCounts);
      phaseCounts.set(config.kernelName, (phaseCounts.get(config.kernelName) ?? 0) + 1);
      return original(kernelArgs);
    },
  });
}

await tf.setBackend(backend);
for (const architecture of ['qwen2', 'llama', 'qwen3']) {
  const dir = await mkdtemp(join(tmpdir(), 'kernel-trace-'));
  phase = 'setup';
  await createTinyModel({ architecture, seed: 1, tieWordEmbeddings: architecture !== 'llama' }, dir);
  const model = await loadModel(dir);
  const vars = [...model.weights].map(([name, w]) => {
    const v = tf.variable(w, true, `${architecture}.${name}`);
    model.setWeight(name, v);
    return v;
  });
  const optimizer = new AdamW(vars);
  const ids = tf.tensor2d(
    [
      [1, 2, 3, 4, 5, 6, 7, 8],
      [9, 10, 11, 12, 13, 14, 15, 16],
    ],
    [2, 8],
    'int32',
  );
  const mask = tf.tensor2d(
    [
      [1, 1, 1, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1, 1, 0, 0],
    ],
    [2, 8],
    'int32',
  );
  phase = `${architecture}: loss + variableGrads`;
  const { value, grads } = tf.variableGrads(
    () => model.loss({ inputIds: ids, attentionMask: mask }, ids),
    vars,
  );
  phase = `${architecture}: AdamW step`;
  optimizer.step(grads);
  phase = `${architecture}: greedy generate`;
  await generate(
    model,
    [
      [1, 2, 3],
      [4, 5],
    ],
    { maxNewTokens: 4, doSample: false, eosTokenIds: [] },
  );
  phase = 'teardown';
  tf.dispose([value, ...Object.values(grads), ids, mask]);
  optimizer.dispose();
  model.dispose();
  await rm(dir, { recursive: true, force: true });
}

const all = new Set<string>();
for (const [name, phaseCounts] of counts) {
  if (name === 'setup' || name === 'teardown') continue;
  console.log(`${name}:`);
  console.log(
    `  ${[...phaseCounts]
      .sort()
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );
  for (const k of phaseCounts.keys()) all.add(k);
}
console.log(`\nall ${all.size}: ${[...all].sort().join(' ')}`);
