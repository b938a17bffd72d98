import { tf } from '../tf.js';
import { compareTensors, type ComparedBackends, type ReadTensor } from './compare-values.js';
import type { CaseInput, ConformanceCase, ConformanceResult } from './conformance-case.js';
import { conformanceCases } from './conformance-cases.js';
import { normal, sizeOfShape } from './random-inputs.js';

export interface RunConformanceOptions {
  /** Cases to run; default every case of `conformanceCases()`. */
  cases?: readonly ConformanceCase[];
  /** Only cases whose name or kernels match. */
  filter?: RegExp;
  /** Reference backend; default 'cpu'. */
  reference?: string;
  /**
   * Called before each case runs: a backend's own settings for the case, e.g. cuda's matmul precision
   * from `c.matmulPrecision`. The caller restores them afterwards.
   */
  prepareCase?: (c: ConformanceCase) => void;
  /** Called after each case (progress output). */
  onResult?: (result: ConformanceResult) => void;
}

/** Why `c` does not run on `backend` (its `onlyOn` excludes it), or null when it does. */
export function conformanceSkipReason(c: ConformanceCase, backend: string): string | null {
  if (c.onlyOn === undefined || c.onlyOn.backends.includes(backend)) return null;
  return `${c.onlyOn.backends.join(', ')} only: ${c.onlyOn.reason}`;
}

/**
 * Runs each case on the reference backend and on `backend` and compares outputs and gradients. Cases
 * whose `onlyOn` excludes `backend` are left out (conformanceSkipReason says why). The active backend is
 * restored afterwards. A case also fails if it leaves tensors or buffers behind on either backend.
 */
export async function runConformance(
  backend: string,
  options: RunConformanceOptions = {},
): Promise<ConformanceResult[]> {
  const reference = options.reference ?? 'cpu';
  const cases = options.cases ?? Object.values(conformanceCases()).flat();
  const filter = options.filter;
  const previous = tf.getBackend();
  const results: ConformanceResult[] = [];
  try {
    for (const c of cases) {
      if (filter && !filter.test(c.name) && !c.kernels.some((k) => filter.test(k))) continue;
      if (conformanceSkipReason(c, backend) !== null) continue;
      options.prepareCase?.(c);
      const result = await runCase(c, { reference, backend });
      results.push(result);
      options.onResult?.(result);
    }
  } finally {
    if (previous) await tf.setBackend(previous);
  }
  return results;
}

async function runCase(c: ConformanceCase, names: ComparedBackends): Promise<ConformanceResult> {
  const result: ConformanceResult = {
    name: c.name,
    kernels: c.kernels,
    ok: false,
    maxAbsError: 0,
    toleranceUsed: 0,
    message: '',
    ms: 0,
  };
  try {
    const inputs = c.inputs();
    const want = await evaluate(names.reference, c, inputs);
    const start = performance.now();
    const got = await evaluate(names.backend, c, inputs);
    result.ms = performance.now() - start;
    if (want.length !== got.length)
      throw new Error(`${want.length} results on ${names.reference}, ${got.length} on ${names.backend}`);
    const problems: string[] = [];
    want.forEach((w, i) => {
      const cmp = compareTensors(w, got[i]!, c.tolerance, names);
      result.maxAbsError = Math.max(result.maxAbsError, cmp.maxAbsError);
      result.toleranceUsed = Math.max(result.toleranceUsed, cmp.toleranceUsed);
      if (cmp.problem) problems.push(cmp.problem);
    });
    result.ok = problems.length === 0;
    result.message = problems.slice(0, 3).join('; ');
  } catch (err) {
    result.message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
  return result;
}

/** Runs the case on `backendName`: its outputs, then its gradients, all read back to the host. */
async function evaluate(backendName: string, c: ConformanceCase, inputs: CaseInput[]): Promise<ReadTensor[]> {
  if (!(await tf.setBackend(backendName))) throw new Error(`backend '${backendName}' could not be set`);
  const engineBackend = tf.backend();
  const tensorsBefore = tf.memory().numTensors;
  const idsBefore = engineBackend.numDataIds();
  const read: ReadTensor[] = [];
  tf.tidy(() => {
    const xs = inputs.map((i) => tf.tensor(i.values, i.shape, i.dtype));
    const outs = asArray(c.run(...xs));
    read.push(...outs.map((o, k) => readTensor(`out${k}`, o)));
    if (c.gradOf !== undefined) read.push(...gradients(c, xs, outs));
  });
  const leakedTensors = tf.memory().numTensors - tensorsBefore;
  const leakedIds = engineBackend.numDataIds() - idsBefore;
  if (leakedTensors !== 0 || leakedIds !== 0) {
    throw new Error(
      `leak on ${backendName}: ${leakedTensors} tensors, ${leakedIds} data buffers left behind`,
    );
  }
  return read;
}

/** d/dx_i of sum_k <out_k, dy_k> for the inputs in c.gradOf, with fixed random dy_k. */
function gradients(c: ConformanceCase, xs: tf.Tensor[], outs: tf.Tensor[]): ReadTensor[] {
  const dys = outs.map((o, k) =>
    o.dtype === 'float32' ? tf.tensor(normal(sizeOfShape(o.shape), 9001 + k), o.shape, 'float32') : null,
  );
  const objective = (...vars: tf.Tensor[]): tf.Scalar => {
    const args = xs.slice();
    c.gradOf!.forEach((index, j) => (args[index] = vars[j]!));
    const terms = asArray(c.run(...args)).flatMap((o, k) => (dys[k] ? [tf.sum(tf.mul(o, dys[k]))] : []));
    return (terms.length === 1 ? terms[0]! : tf.addN(terms)) as tf.Scalar;
  };
  const grads = tf.grads(objective)(c.gradOf!.map((i) => xs[i]!));
  return grads.map((g, j) => readTensor(`grad(input ${c.gradOf![j]})`, g));
}

function readTensor(label: string, t: tf.Tensor): ReadTensor {
  return { label, shape: t.shape, dtype: t.dtype, values: t.dataSync() as ReadTensor['values'] };
}

function asArray(out: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  return Array.isArray(out) ? out : [out];
}
