import { tf } from '@medgpt/core-tensor';
import { destroyProcessGroup, initProcessGroup, shardBatch } from '@medgpt/distributed';

// One rank's program. `medgpt launch --nproc_per_node 2 node quickstart.mjs` (or torchrun) starts it
// twice with RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT set; started alone, it is a group of one.
await tf.setBackend('cpu');
const comm = await initProcessGroup(); // the rendezvous on rank 0; TCP here, NCCL on the cuda backend

// Each rank takes its rows of the global batch: together, the whole batch in order.
const batch = ['fever', 'cough', 'headache', 'rash'];
const mine = shardBatch(batch, comm.rank, comm.worldSize);

// Each rank's "gradient", summed across ranks: every rank receives the same total.
const grad = tf.tensor1d([mine.length, comm.rank + 1]);
const total = await comm.allReduce(grad, 'sum');
console.log(`rank ${comm.rank} of ${comm.worldSize}: rows ${mine.join(', ')}; sum ${await total.data()}`);

tf.dispose([grad, total]);
await destroyProcessGroup();
