import { tf } from '../tf.js';

/** Shape and dtype of one input of a captured step: int32 host values written in before each run. */
export interface StepInputSpec {
  readonly shape: readonly number[];
  readonly dtype: 'int32' | 'float32';
}

/** Host values of one input (its size must match the spec's shape). */
export type StepInputValues = Int32Array | Float32Array;

/**
 * Output `index` of an earlier run of a captured step, given as an input of a later launch: the value
 * goes from device memory to device memory, never through the host (a decode step's sampled token ids
 * feeding the next step). `tensor()` is that output while it is still held (it throws once the run was
 * read, discarded or, on a replaying backend, overwritten by a later replay of the same recording).
 */
export interface StepRunOutput {
  readonly index: number;
  tensor(): tf.Tensor;
}

/** One input of a launch: host values, or an earlier run's output. */
export type StepInput = StepInputValues | StepRunOutput;

/**
 * One launched run of a captured step. Its outputs are copied out for `read` when it is launched, so
 * later launches (of this step or another) may be queued before it is read: the host prepares step
 * n + 1 while the device computes step n.
 */
export interface StepRun {
  /** Output `index` of this run, to feed a later launch. */
  output(index: number): StepRunOutput;
  /** The outputs as host values, once the device has produced them (read once). */
  read(): Promise<tf.backend_util.BackendValues[]>;
  /** Drops the run without reading it (its device work still happens). */
  discard(): void;
}

/**
 * A step of fixed shapes run many times with new input values: a serving engine's decode step. `run`
 * writes the inputs, runs the step and reads its outputs back to the host; `launch` queues a run and
 * returns at once. On a backend that can record its work (cuda: a CUDA graph), the kernels are
 * recorded once and replayed, so a run costs one launch instead of one per op; elsewhere each run
 * simply calls the step function again (at launch).
 */
export interface CapturedStep {
  run(inputs: readonly StepInputValues[]): Promise<tf.backend_util.BackendValues[]>;
  launch(inputs: readonly StepInput[]): StepRun;
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

/** Whether a launch input is an earlier run's output (else host values). */
export function isStepRunOutput(input: StepInput): input is StepRunOutput {
  return !ArrayBuffer.isView(input);
}

/**
 * Checks `inputs` against `specs`, naming the first that does not fit. An earlier run's output must be
 * still held and have the spec's shape and dtype.
 */
export function checkStepInputs(specs: readonly StepInputSpec[], inputs: readonly StepInput[]): void {
  if (inputs.length !== specs.length)
    throw new Error(`captured step: ${inputs.length} inputs given, ${specs.length} expected`);
  specs.forEach((s, i) => {
    const input = inputs[i]!;
    const shape = `[${s.shape.join(', ')}]`;
    if (isStepRunOutput(input)) {
      const t = input.tensor();
      if (t.dtype !== s.dtype || !tf.util.arraysEqual(t.shape, s.shape as number[]))
        throw new Error(
          `captured step: input ${i} is output ${input.index} of an earlier run, ${t.dtype} [${t.shape.join(', ')}]; expected ${s.dtype} ${shape}`,
        );
      return;
    }
    const size = s.shape.reduce((n, d) => n * d, 1);
    const want = s.dtype === 'int32' ? Int32Array : Float32Array;
    if (!(input instanceof want) || input.length !== size)
      throw new Error(`captured step: input ${i} must be a ${want.name} of ${size} values (${shape})`);
  });
}

/** A fresh tensor of launch input `input` (host values uploaded, or a copy of an earlier run's output). */
export function stepInputTensor(spec: StepInputSpec, input: StepInput): tf.Tensor {
  if (isStepRunOutput(input)) return tf.clone(input.tensor());
  return tf.tensor(input, spec.shape as number[], spec.dtype);
}

function eagerStep(specs: readonly StepInputSpec[], fn: StepFunction): CapturedStep {
  const launch = (inputs: readonly StepInput[]): StepRun => {
    checkStepInputs(specs, inputs);
    let outputs: tf.Tensor[] | null = tf.tidy(() => fn(specs.map((s, i) => stepInputTensor(s, inputs[i]!))));
    const held = (what: string): tf.Tensor[] => {
      if (outputs === null)
        throw new Error(`captured step: ${what} of a run that was already read or discarded`);
      return outputs;
    };
    const release = () => {
      if (outputs !== null) tf.dispose(outputs);
      outputs = null;
    };
    return {
      output: (index) => ({ index, tensor: () => held('an output')[index]! }),
      async read() {
        const out = held('read');
        try {
          return await Promise.all(out.map((t) => t.data()));
        } finally {
          release();
        }
      },
      discard: release,
    };
  };
  return {
    replays: false,
    launch,
    async run(inputs) {
      return launch(inputs).read();
    },
    dispose() {},
  };
}
