import { tf } from '../tf.js';

/** A tensor created while tracking that is still alive. */
export interface LiveTensor {
  id: number;
  dtype: string;
  shape: number[];
  /** Where it was created, when tracking with `stacks: true`. */
  stack?: string;
}

/** What changed since tracking started. */
export interface LeakReport {
  /** Deltas of tf.memory() (negative when pre-existing tensors were disposed). */
  numTensors: number;
  numBytes: number;
  numDataBuffers: number;
  /** Tensors (and variables) created since the start and not disposed. */
  live: LiveTensor[];
}

export interface TensorTracker {
  /** The report so far; tracking goes on. */
  report(): LeakReport;
  /** The final report; stops tracking. */
  stop(): LeakReport;
}

export interface TrackOptions {
  /** Record a stack trace per created tensor (slow; for hunting a leak). */
  stacks?: boolean;
}

export interface NoLeakOptions extends TrackOptions {
  /** Names the block in the error. */
  label?: string;
  /**
   * Also fail when a tensor created inside is still alive even though the totals did not grow
   * (code that replaces its state tensors, like an optimizer step, needs this off; default false).
   */
  strict?: boolean;
}

interface Created {
  tensor: tf.Tensor;
  stack?: string;
}

interface Collector {
  firstId: number;
  stacks: boolean;
  created: Created[];
}

type TrackFn = (a: tf.Tensor, backend: unknown) => void;

// Every tensor and variable the engine creates (or re-binds, as Variable.assign does) passes through
// Engine.trackTensor; one shared patch feeds every active tracker and is removed with the last one.
const collectors = new Set<Collector>();

function install(): void {
  const engine = tf.engine() as unknown as { trackTensor: TrackFn };
  const original = Object.getPrototypeOf(engine).trackTensor as TrackFn;
  engine.trackTensor = function (this: unknown, a: tf.Tensor, backend: unknown) {
    for (const c of collectors) {
      if (a.id >= c.firstId) c.created.push({ tensor: a, stack: c.stacks ? new Error().stack : undefined });
    }
    original.call(this, a, backend);
  };
}

function uninstall(): void {
  delete (tf.engine() as unknown as { trackTensor?: TrackFn }).trackTensor;
}

/** Starts recording tensor creation and tf.memory() deltas. */
export function trackTensors(options: TrackOptions = {}): TensorTracker {
  const start = tf.memory();
  // Tensor ids grow monotonically (a private counter of the engine): anything from this one on is new.
  const firstId = (tf.engine() as unknown as { nextTensorId(): number }).nextTensorId();
  const collector: Collector = { firstId, stacks: options.stacks ?? false, created: [] };
  if (collectors.size === 0) install();
  collectors.add(collector);
  let stopped = false;

  const report = (): LeakReport => {
    const now = tf.memory();
    const seen = new Set<tf.Tensor>();
    const live: LiveTensor[] = [];
    for (const { tensor, stack } of collector.created) {
      if (seen.has(tensor) || tensor.isDisposed) continue;
      seen.add(tensor);
      live.push({
        id: tensor.id,
        dtype: tensor.dtype,
        shape: tensor.shape.slice(),
        ...(stack ? { stack } : {}),
      });
    }
    return {
      numTensors: now.numTensors - start.numTensors,
      numBytes: now.numBytes - start.numBytes,
      numDataBuffers: now.numDataBuffers - start.numDataBuffers,
      live,
    };
  };
  return {
    report,
    stop() {
      const r = report();
      if (!stopped) {
        stopped = true;
        collectors.delete(collector);
        if (collectors.size === 0) uninstall();
      }
      return r;
    },
  };
}

/** A readable account of a report, e.g. for an assertion message. */
export function describeLeak(r: LeakReport, label = 'block'): string {
  const lines = [
    `${label}: ${r.live.length} tensor(s) created and not disposed; tf.memory() deltas: ` +
      `numTensors ${signed(r.numTensors)}, numBytes ${signed(r.numBytes)}, numDataBuffers ${signed(r.numDataBuffers)}`,
  ];
  for (const t of r.live.slice(0, 20)) {
    lines.push(`  ${t.dtype}[${t.shape.join(',')}] id ${t.id}`);
    if (t.stack)
      lines.push(
        ...t.stack
          .split('\n')
          .slice(2, 8)
          .map((l) => `      ${l.trim()}`),
      );
  }
  if (r.live.length > 20) lines.push(`  ... and ${r.live.length - 20} more`);
  return lines.join('\n');
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

function finish(tracker: TensorTracker, options: NoLeakOptions): void {
  const r = tracker.stop();
  const grew = r.numTensors > 0 || r.numBytes > 0 || r.numDataBuffers > 0;
  if (grew || (options.strict && r.live.length > 0))
    throw new Error(describeLeak(r, options.label ?? 'expectNoLeak'));
}

/**
 * Runs `fn` (sync or async) and throws if tf.memory() grew (numTensors, numBytes or numDataBuffers),
 * listing the tensors `fn` created and left alive. Returns what `fn` returns, which must not hold
 * new tensors.
 */
export function expectNoLeak<T>(fn: () => Promise<T>, options?: NoLeakOptions): Promise<T>;
export function expectNoLeak<T>(fn: () => T, options?: NoLeakOptions): T;
export function expectNoLeak<T>(fn: () => T | Promise<T>, options: NoLeakOptions = {}) {
  const tracker = trackTensors(options);
  let result: T | Promise<T>;
  try {
    result = fn();
  } catch (e) {
    tracker.stop();
    throw e;
  }
  if (result instanceof Promise) {
    return result.then(
      (value) => {
        finish(tracker, options);
        return value;
      },
      (e: unknown) => {
        tracker.stop();
        throw e;
      },
    );
  }
  finish(tracker, options);
  return result;
}
