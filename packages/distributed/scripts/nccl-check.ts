// The NCCL check for a GPU machine (which has no node_modules: run the bundle). Creates a communicator
// on the cuda backend (world size 1 when started alone; one rank per GPU under `medgpt launch` or
// torchrun), runs every collective on rank-dependent tensors and compares them with the answer computed
// on the host, checks bucketed gradient all-reduce and a ZeRO-1 step against AdamW, times a 256 MiB
// all-reduce, and kills nothing. Prints one JSON line per check; exit 0 when all pass, 1 when one
// fails, 2 when cuda or NCCL cannot load.
//
//   node packages/distributed/scripts/bundle-nccl-check.mjs      (on the dev machine: .device/cuda/nccl-check.mjs)
//   bash packages/distributed/scripts/nccl-check.sh               (on the device, from the repository root)
import { clipGradNorm, MultiTensorAdamW, tf } from '@medgpt/core-tensor';
import { cudaProvider, cudaRuntime } from '@medgpt/backend-cuda';
import {
  allReduceGradients,
  destroyProcessGroup,
  initProcessGroup,
  loadNccl,
  Zero1Optimizer,
  type Communicator,
} from '@medgpt/distributed';

const availability = await cudaProvider.load();
if (!availability.ok) {
  console.error(`cuda backend not available: ${availability.reason}`);
  process.exit(2);
}
await tf.setBackend('cuda');
const nccl = await loadNccl();
if (!nccl.ok) {
  console.error(`NCCL not available: ${nccl.reason}`);
  process.exit(2);
}
const comm = await initProcessGroup({ backend: 'nccl', timeoutMs: 60_000 });
const device = cudaRuntime()!.device;
const W = comm.worldSize;
const results: { check: string; ok: boolean; detail?: string; [k: string]: unknown }[] = [];
const report = (check: string, ok: boolean, extra: Record<string, unknown> = {}) => {
  const line = { rank: comm.rank, check, ok, ...extra };
  results.push(line);
  console.log(JSON.stringify(line));
};
console.log(
  JSON.stringify({
    rank: comm.rank,
    worldSize: W,
    backend: comm.backend,
    nccl: `${nccl.nccl.version} (${nccl.nccl.path})`,
    device: `${device.ordinal}: ${device.name}`,
  }),
);

/** Rank r's input of n elements: (r + 1) * (i % 97 + 1) / 8, exact in float32 and in every sum. */
const input = (r: number, n: number) =>
  Float32Array.from({ length: n }, (_, i) => ((r + 1) * ((i % 97) + 1)) / 8);
const ranks = Array.from({ length: W }, (_, r) => r);

async function expectClose(
  check: string,
  got: tf.Tensor,
  want: Float32Array,
  shape: number[],
): Promise<void> {
  const data = await got.data();
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(data[i]! - want[i]!));
  const ok =
    data.length === want.length &&
    worst <= 1e-6 * Math.max(1, ...want.map(Math.abs)) &&
    `${got.shape}` === `${shape}`;
  report(check, ok, { maxAbsError: worst, shape: got.shape });
  got.dispose();
}

async function collectives(c: Communicator): Promise<void> {
  const n = 4096 * W;
  const x = tf.tensor(input(c.rank, n), [n / 4, 4]);
  const sum = Float32Array.from({ length: n }, (_, i) => ranks.reduce((s, r) => s + input(r, n)[i]!, 0));
  await expectClose('allReduce sum', await c.allReduce(x, 'sum'), sum, [n / 4, 4]);
  await expectClose(
    'allReduce avg',
    await c.allReduce(x, 'avg'),
    sum.map((s) => s / W),
    [n / 4, 4],
  );
  await expectClose('allReduce max', await c.allReduce(x, 'max'), input(W - 1, n), [n / 4, 4]);
  const part = n / W;
  await expectClose(
    'reduceScatter sum',
    await c.reduceScatter(x, 'sum'),
    sum.subarray(c.rank * part, (c.rank + 1) * part),
    [n / 4 / W, 4],
  );
  const mine = tf.tensor1d(input(c.rank, 1000));
  const all = new Float32Array(ranks.flatMap((r) => Array.from(input(r, 1000))));
  await expectClose('allGather', await c.allGather(mine), all, [1000 * W]);
  await expectClose('broadcast from rank 0', await c.broadcast(mine, 0), input(0, 1000), [1000]);
  // Several collectives queued at once come back in order.
  const many = await Promise.all([1, 2, 3].map(() => c.allReduce(mine)));
  const summed = Float32Array.from({ length: 1000 }, (_, i) =>
    ranks.reduce((s, r) => s + input(r, 1000)[i]!, 0),
  );
  for (const [i, t] of many.entries()) await expectClose(`allReduce queued ${i + 1} of 3`, t, summed, [1000]);
  tf.dispose([x, mine]);
  await c.barrier();
  report('barrier', true);
}

async function gradients(c: Communicator): Promise<void> {
  const grads: tf.NamedTensorMap = {
    'a.weight': tf.tensor(input(c.rank, 600), [20, 30]),
    'b.bias': tf.tensor1d(input(c.rank, 7)),
  };
  await allReduceGradients(c, grads, [
    { name: 'a.weight', shape: [20, 30] },
    { name: 'b.bias', shape: [7] },
  ]);
  const want = (n: number) =>
    Float32Array.from({ length: n }, (_, i) => ranks.reduce((s, r) => s + input(r, n)[i]!, 0));
  await expectClose('allReduceGradients a.weight', grads['a.weight']!, want(600), [20, 30]);
  await expectClose('allReduceGradients b.bias', grads['b.bias']!, want(7), [7]);
}

/** One ZeRO-1 step against AdamW on the summed gradients. */
async function zero1(c: Communicator): Promise<void> {
  const init = (name: string) => tf.variable(tf.tensor1d(input(0, 301)), true, name);
  const [p, q] = [init('zero.w'), init('adamw.w')];
  const zero = new Zero1Optimizer(c, [p], {
    lr: 0.1,
    betas: [0.9, 0.999],
    eps: 1e-8,
    weightDecay: () => 0.01,
  });
  const grad = tf.tensor1d(input(c.rank, 301));
  await zero.reduceAndClip({ 'zero.w': grad }, 1);
  await zero.step();
  const adam = new MultiTensorAdamW([{ params: [q], weightDecay: 0.01 }], {
    lr: 0.1,
    betas: [0.9, 0.999],
    eps: 1e-8,
  });
  const summed = {
    'adamw.w': tf.tensor1d(
      Float32Array.from({ length: 301 }, (_, i) => ranks.reduce((s, r) => s + input(r, 301)[i]!, 0)),
    ),
  };
  clipGradNorm(summed, 1);
  adam.step(summed);
  await expectClose('zero1 step = AdamW', p, (await q.data()) as Float32Array, [301]);
  report('zero1 state bytes', zero.stateBytes <= 8 * Math.ceil(301 / W), { stateBytes: zero.stateBytes });
  tf.dispose([grad, q, ...Object.values(summed)]);
  zero.dispose();
  adam.dispose();
}

/** Bus bandwidth of a 256 MiB float32 all-reduce, nccl-tests' formula (2 (W - 1) / W x bytes / time). */
async function bandwidth(c: Communicator): Promise<void> {
  const n = 64 * 1024 * 1024;
  const x = tf.fill([n], 1);
  (await c.allReduce(x)).dispose(); // warm-up
  const started = performance.now();
  const iterations = 10;
  for (let i = 0; i < iterations; i++) (await c.allReduce(x)).dispose();
  const seconds = (performance.now() - started) / 1000 / iterations;
  const bytes = 4 * n;
  report('allReduce 256 MiB', true, {
    ms: +(seconds * 1000).toFixed(2),
    algbwGBs: +(bytes / seconds / 1e9).toFixed(1),
    busbwGBs: +(((2 * (W - 1)) / W) * (bytes / seconds / 1e9)).toFixed(1),
  });
  x.dispose();
}

try {
  await collectives(comm);
  await gradients(comm);
  await zero1(comm);
  await bandwidth(comm);
} catch (err) {
  report('run', false, { detail: (err as Error).message });
}
const failed = results.filter((r) => !r.ok);
console.log(
  failed.length === 0
    ? `NCCL check passed (rank ${comm.rank} of ${W})`
    : `NCCL check FAILED: ${failed.map((f) => f.check).join(', ')}`,
);
await destroyProcessGroup();
process.exit(failed.length === 0 ? 0 : 1);
