import { tf } from '../tf.js';

/** Shape and dtype of one input of a captured step: int32 host values written in before each run. */
export interface StepInputSpec {
  readonly shape: readonly number[];
  readonly dtype: 'int32' | 'float32';
}

/** Host values of one input (its size must match the spec's shape). */
export type StepInputValues = Int32Array | Float32Array;

/**
 * A step of fixed shapes run many times with new input values: a serving engine's decode step. `run`
 * writes the inputs, runs the step and reads its outputs back to the host. On a backend that can
 * record its work (cuda: a CUDA graph), the kernels are recorded once and replayed, so a run costs one
 * launch instead of one per op; elsewhere each run simply calls the step function again.
 */
export interface CapturedStep {
  run(inputs: readonly StepInputValues[]): Promise<tf.backend_util.BackendValues[]>;
  /** Whether the backend replays recorded work (false: the function runs eagerly each time). */
  readonly replays: boolean;
  dispose(): void;
}

/**
 * The step function: tensors of the inputs' specs in, output tensors out. It must take every value
 * that changes between runs from its inputs (host values read inside it are recorded once) and may
 * not read tensors back to the host. Persistent state it updates in place (a KV cache) is fine.
 */
export type StepFunction = (inputs: tf.Tensor[]) => tf.Tensor[];

/** A backend that records steps (backend-cuda's CudaBackend) implements this. */
export interface StepCapturingBackend {
  captureStep(specs: readonly StepInputSpec[], fn: StepFunction): CapturedStep;
}

function capturing(backend: tf.KernelBackend): backend is tf.KernelBackend & StepCapturingBackend {
  return typeof (backend as Partial<StepCapturingBackend>).captureStep === 'function';
}

/** Whether the current backend records steps and replays them (cuda), rather than running them again. */
export function backendReplaysSteps(): boolean {
  return capturing(tf.backend());
}

/**
 * `fn` as a CapturedStep on the current backend: recorded and replayed where the backend can
 * (`replay: false` asks for eager runs anyway), else run eagerly. Every run's tensors are freed; the
 * outputs come back as host values.
 */
export function captureStep(
  specs: readonly StepInputSpec[],
  fn: StepFunction,
  options: { replay?: boolean } = {},
): CapturedStep {
  const backend = tf.backend();
  if (options.replay !== false && capturing(backend)) return backend.captureStep(specs, fn);
  return eagerStep(specs, fn);
}

/** Checks `inputs` against `specs`, naming the first that does not fit. */
export function checkStepInputs(specs: readonly StepInputSpec[], inputs: readonly StepInputValues[]): void {
  if (inputs.length !== specs.length)
    throw new Error(`captured step: ${inputs.length} inputs given, ${specs.length} expected`);
  specs.forEach((s, i) => {
    const size = s.shape.reduce((n, d) => n * d, 1);
    const want = s.dtype === 'int32' ? Int32Array : Float32Array;
    if (!(inputs[i] instanceof want) || inputs[i]!.length !== size)
      throw new Error(
        `captured step: input ${i} must be a ${want.name} of ${size} values ([${s.shape.join(', ')}])`,
      );
  });
}

function eagerStep(specs: readonly StepInputSpec[], fn: StepFunction): CapturedStep {
  return {
    replays: false,
    async run(inputs) {
      checkStepInputs(specs, inputs);
      const outputs = tf.tidy(() =>
        fn(specs.map((s, i) => tf.tensor(inputs[i]!, s.shape as number[], s.dtype))),
      );
      try {
        return await Promise.all(outputs.map((t) => t.data()));
      } finally {
        tf.dispose(outputs);
      }
    },
    dispose() {},
  };
}
