// One rank of a multi-process test: `node rank-child.mjs MODE` under torchrun's variables. It joins
// the group (TCP), runs two collectives, prints READY with their results, then per MODE:
//   ok    a barrier, DONE, exit 0
//   exit  rank FAIL_RANK exits with code 3; the others wait outside any collective, so only the launcher
//         can end them and its report names rank FAIL_RANK however the exits are ordered
//   stall rank FAIL_RANK waits forever (until killed) instead of joining the barrier
// A collective that fails prints "ERROR <message>" and exits 1.
import { tf } from '@medgpt/core-tensor';
import { destroyProcessGroup, initProcessGroup } from '@medgpt/distributed';

const mode = process.argv[2] ?? 'ok';
const failRank = Number(process.env.FAIL_RANK ?? -1);
await tf.setBackend('cpu');
const comm = await initProcessGroup({ timeoutMs: 20_000, rendezvousTimeoutMs: 20_000 });
try {
  const [sum] = await comm.allReduceNumbers([comm.rank + 1]);
  const t = tf.tensor1d([comm.rank, 1]);
  const reduced = await comm.allReduce(t);
  console.log(
    `READY rank ${comm.rank} of ${comm.worldSize}: numbers ${sum}, tensor ${Array.from(reduced.dataSync()).join(',')}`,
  );
  tf.dispose([t, reduced]);
  if (mode === 'exit') {
    if (comm.rank === failRank) process.exit(3);
    await new Promise(() => setInterval(() => undefined, 1_000));
  }
  if (comm.rank === failRank && mode === 'stall')
    await new Promise(() => setInterval(() => undefined, 1_000));
  await comm.barrier();
  console.log('DONE');
} catch (err) {
  console.error(`ERROR ${(err as Error).message}`);
  process.exit(1);
}
await destroyProcessGroup();
