import { tf } from '@medgpt/core-tensor';
import type { CommunicatorBackend } from './communicator.js';
import { checkFloat32, checkSplits, ControlCommunicator, scaledShape } from './control-communicator.js';
import type { ControlChannel } from './control/control-channel.js';
import {
  allGatherHost,
  allReduceHost,
  broadcastHost,
  reduceScatterHost,
} from './control/host-collectives.js';
import type { ReduceOp } from './reduce-op.js';

/**
 * Collectives over TCP through rank 0, on any tfjs backend: each tensor is copied to the host, combined
 * by rank 0 (in rank order, so every rank gets the same bits) and uploaded again. Correct first; fast
 * enough for CPU runs and tests, and a fallback for GPUs without NCCL (MEDGPT_DIST_BACKEND=tcp).
 */
export class TcpCommunicator extends ControlCommunicator {
  readonly backend: CommunicatorBackend = 'tcp';

  constructor(channel: ControlChannel, localRank = channel.rank) {
    super(channel, localRank);
  }

  allReduce(x: tf.Tensor, op: ReduceOp = 'sum'): Promise<tf.Tensor> {
    checkFloat32(x, 'allReduce');
    const read = hostCopy(x);
    return this.serial(async () => {
      const host = await read;
      if (this.worldSize > 1) await allReduceHost(this.channel, host, op);
      return tf.tensor(host, x.shape, 'float32');
    });
  }

  reduceScatter(x: tf.Tensor, op: ReduceOp = 'sum'): Promise<tf.Tensor> {
    checkFloat32(x, 'reduceScatter');
    checkSplits(x, this.worldSize, 'reduceScatter');
    const read = hostCopy(x);
    return this.serial(async () => {
      const host = await read;
      const mine = this.worldSize > 1 ? await reduceScatterHost(this.channel, host, op) : host;
      return tf.tensor(mine, scaledShape(x, 1 / this.worldSize), 'float32');
    });
  }

  allGather(x: tf.Tensor): Promise<tf.Tensor> {
    checkFloat32(x, 'allGather');
    const read = hostCopy(x);
    return this.serial(async () => {
      const host = await read;
      const all = this.worldSize > 1 ? await allGatherHost(this.channel, host) : host;
      return tf.tensor(all, scaledShape(x, this.worldSize), 'float32');
    });
  }

  broadcast(x: tf.Tensor, root = 0): Promise<tf.Tensor> {
    checkFloat32(x, 'broadcast');
    const read = hostCopy(x);
    return this.serial(async () => {
      const host = await read;
      if (this.worldSize > 1) await broadcastHost(this.channel, host, root);
      return tf.tensor(host, x.shape, 'float32');
    });
  }
}

/** A copy the caller owns (the cpu backend's data() is the tensor's own storage), read at call time. */
async function hostCopy(x: tf.Tensor): Promise<Float32Array> {
  return new Float32Array((await x.data()) as Float32Array);
}
