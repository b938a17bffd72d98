// While a forward is recorded for our backward driver, a tensor a gradient saves is a second handle on
// the same data (backend refcount + 1) instead of tfjs's engine.clone(): that dispatches an Identity
// kernel (a full copy on tfjs's wasm backend) and pushes an extra node onto the tape for every saved
// tensor, about 40 % of the kernels of a training step (tfjs-engine-findings.md §2). The clone's tape node
// only matters for higher-order gradients, which the driver does not support.
import type { tf } from '../tf.js';
import { engineInternals, type EngineInternals } from './engine-internals.js';

let depth = 0;

/** A new tensor on `x`'s data, created without a kernel; disposing either leaves the other intact. */
export function aliasTensor(x: tf.Tensor): tf.Tensor {
  const engine = engineInternals();
  const info = engine.state.tensorInfo.get(x.dataId);
  if (info === undefined) throw new Error(`aliasTensor: tensor ${x.id} is disposed`);
  info.backend.incRef(x.dataId);
  return engine.makeTensorFromTensorInfo({ dataId: x.dataId, shape: x.shape, dtype: x.dtype }, info.backend);
}

function aliasingClone(this: EngineInternals, x: tf.Tensor): tf.Tensor {
  return depth > 0 ? aliasTensor(x) : stockClone(this).call(this, x);
}

function stockClone(engine: EngineInternals): EngineInternals['clone'] {
  return (Object.getPrototypeOf(engine) as EngineInternals).clone;
}

/** Runs `f` with saved tensors aliased (see the file comment); nests. */
export function withSavedTensorAliasing<T>(f: () => T): T {
  const engine = engineInternals();
  // An own property shadows Engine.prototype.clone; it defers to the stock clone outside `f`.
  if (engine.clone !== aliasingClone) engine.clone = aliasingClone;
  depth++;
  try {
    return f();
  } finally {
    depth--;
  }
}
