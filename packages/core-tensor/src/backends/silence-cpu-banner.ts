import '@tensorflow/tfjs-backend-cpu';
import { tf } from '../tf.js';

/** The parts of tfjs's engine this needs; they are not in its public typings. */
interface EngineInternals {
  registry: Record<string, tf.KernelBackend>;
  registryFactory: Record<string, { priority: number }>;
}

/** tfjs-backend-cpu prints its banner on the first write of an instance whose `firstUse` is still true. */
type CpuBackendInternals = tf.KernelBackend & { firstUse: boolean };

let silenced = false;

/**
 * Stops tfjs-backend-cpu's "Hi, looks like you are running TensorFlow.js in Node.js" banner (it advertises
 * tfjs-node, which we detect ourselves). Only that message: tfjs's other warnings still print. The cpu
 * backend factory is re-registered so each instance starts with its banner already "shown".
 */
export function silenceCpuBanner(): void {
  if (silenced) return;
  const engine = tf.engine() as unknown as EngineInternals;
  const live = engine.registry['cpu'];
  if (live != null) {
    (live as CpuBackendInternals).firstUse = false;
    silenced = true;
    return;
  }
  const factory = tf.findBackendFactory('cpu');
  if (factory == null) return;
  const priority = engine.registryFactory['cpu']?.priority ?? 1;
  tf.removeBackend('cpu');
  tf.registerBackend(
    'cpu',
    () => {
      const backend = factory() as CpuBackendInternals;
      backend.firstUse = false;
      return backend;
    },
    priority,
  );
  silenced = true;
}
