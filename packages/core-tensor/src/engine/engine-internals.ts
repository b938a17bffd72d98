// The parts of tfjs-core 4.22's Engine that the backward driver uses and its typings mark private.
// Kept in one place so a tfjs upgrade has one file to check against engine.js.
import { tf } from '../tf.js';

/** One recorded op: tfjs's TapeNode (tape.ts), as the engine pushes it onto `state.activeTape`. */
export type TapeNode = ReturnType<typeof tf.engine>['state']['activeTape'][number];

export interface EngineInternals {
  state: ReturnType<typeof tf.engine>['state'];
  /** Makes the copy of a tensor a gradient saves (an Identity kernel plus a tape node). */
  clone(x: tf.Tensor): tf.Tensor;
  /** Registers `t` with the active scope, so the enclosing tidy disposes or hands it on. */
  track<T extends tf.Tensor>(t: T): T;
  makeTensorFromTensorInfo(info: tf.TensorInfo, backend?: tf.KernelBackend): tf.Tensor;
}

export function engineInternals(): EngineInternals {
  return tf.engine() as unknown as EngineInternals;
}

/**
 * Hands a kept tensor back to scope management: it is tracked by the active scope again, so the caller's
 * tidy treats it like any tensor the call created.
 */
export function unkeep<T extends tf.Tensor>(t: T): T {
  t.kept = false;
  return engineInternals().track(t);
}
