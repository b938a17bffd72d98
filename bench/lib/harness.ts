// Shared by the *.bench.ts files (bundled into each by bench/run.mjs): arguments, timing, tables, the
// JSON line. Benchmarks print numbers; they are not tests.
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { selectBackend, tf } from '@medgpt/core-tensor';

export const BACKENDS = ['cpu', 'wasm'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BenchArgs {
  backends: BackendName[];
  quick: boolean;
  /** Case names to run (null: all); run.mjs forwards the --only names that are not bench file names. */
  only: string[] | null;
  /** --profile: also print where the time goes, by kernel (tf.profile; benches that support it). */
  profile: boolean;
}

/** `--backend cpu|wasm|cpu,wasm` (repeatable; default both), `--quick`, `--only a,b`. Unknown flags are ignored. */
export function parseBenchArgs(): BenchArgs {
  const { values } = parseArgs({
    strict: false,
    options: {
      backend: { type: 'string', multiple: true },
      quick: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      profile: { type: 'boolean', default: false },
    },
  });
  const list = (v: unknown): string[] =>
    (Array.isArray(v) ? v : [])
      .flatMap((s) => String(s).split(','))
      .map((s) => s.trim())
      .filter((s) => s !== '');
  const requested = list(values.backend);
  for (const b of requested) {
    if (!(BACKENDS as readonly string[]).includes(b)) {
      throw new Error(`--backend must be one of ${BACKENDS.join(', ')}, got '${b}'`);
    }
  }
  const backends = requested.length > 0 ? BACKENDS.filter((b) => requested.includes(b)) : [...BACKENDS];
  const only = list(values.only);
  return {
    backends,
    quick: values.quick === true,
    only: only.length > 0 ? only : null,
    profile: values.profile === true,
  };
}

/** Makes `backend` the active tfjs backend (through core-tensor's selection, as the trainer does). */
export async function useBackend(backend: BackendName): Promise<void> {
  await selectBackend({ backend });
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The nearest-rank p-th percentile (p in 0..100) of `xs`: a value that occurred, never interpolated. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Collects garbage when node runs with --expose-gc (run.mjs passes it), so a pause lands outside a timing. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Wall time of one call in ms. cpu and wasm kernels run synchronously inside the call. */
export function timeOnce(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

export interface Plan {
  /** Untimed calls first, until each function has run warmupMs (at least 1 call, at most maxWarmup). */
  warmupMs: number;
  maxWarmup: number;
  minReps: number;
  maxReps: number;
  /** Timed rounds stop once the slowest function has used about this many ms (and minReps is reached). */
  budgetMs: number;
}

/**
 * Times several functions round-robin (a, b, a, b, ...) so load from other jobs on this machine hits
 * them alike; returns every function's samples in ms (the same count for each).
 */
export function timeInterleaved(fns: readonly (() => void)[], plan: Plan): number[][] {
  // Cheap calls warm up many times (V8 re-optimises kernels that just ran on another backend's arrays);
  // a call of seconds once.
  const warm = fns.map(() => 0);
  for (let i = 0; i < plan.maxWarmup; i++) {
    if (i > 0 && warm.every((ms) => ms >= plan.warmupMs)) break;
    fns.forEach((fn, j) => (warm[j]! += timeOnce(fn)));
  }
  collectGarbage();
  const samples: number[][] = fns.map(() => []);
  const spent = fns.map(() => 0);
  for (let rep = 0; rep < plan.maxReps; rep++) {
    if (rep >= plan.minReps && spent.some((ms) => ms >= plan.budgetMs)) break;
    fns.forEach((fn, i) => {
      const ms = timeOnce(fn);
      samples[i]!.push(ms);
      spent[i]! += ms;
    });
  }
  return samples;
}

export interface KernelTime {
  name: string;
  calls: number;
  ms: number;
}

/**
 * Time per kernel name over one call of `fn`, slowest first (tf.profile; op wrappers that dispatch other
 * kernels, such as tfjs's logSoftmax, count their inner kernels again).
 */
export async function profileKernels(fn: () => void): Promise<{ totalMs: number; kernels: KernelTime[] }> {
  const start = performance.now();
  const info = await tf.profile(fn);
  const totalMs = performance.now() - start;
  const byName = new Map<string, KernelTime>();
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const e = byName.get(k.name) ?? { name: k.name, calls: 0, ms: 0 };
    e.calls += 1;
    e.ms += ms;
    byName.set(k.name, e);
  }
  return { totalMs, kernels: [...byName.values()].sort((a, b) => b.ms - a.ms) };
}

/** Live tfjs tensors (all backends). */
export function liveTensors(): number {
  return tf.memory().numTensors;
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms >= 1000) return ms.toFixed(0);
  if (ms >= 100) return ms.toFixed(1);
  if (ms >= 10) return ms.toFixed(2);
  return ms.toFixed(3);
}

export function fmtRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}x` : '-';
}

/** Rounds for the JSON line (4 significant digits is plenty for numbers this noisy). */
export function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(4)) : x;
}

/** Prints rows as a fixed-width table; numeric-looking cells are right-aligned. */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = /^[-+]?[\d.,]+(x|%)?$|^-$/;
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric.test(c) && i > 0 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

export interface Machine {
  node: string;
  cpus: number;
  cpuModel: string;
  /** 1-minute load average when the bench started: above the core count, other jobs were running. */
  load1: number;
}

export function machine(): Machine {
  const list = cpus();
  return {
    node: process.version,
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    load1: round(loadavg()[0]!),
  };
}

export function printHeader(title: string, args: BenchArgs, m: Machine): void {
  console.log(`\n## ${title}`);
  console.log(
    `node ${m.node}, ${m.cpus} x ${m.cpuModel}, load avg ${m.load1} at start` +
      `${m.load1 > m.cpus ? ' (other jobs are running: expect noise)' : ''}; ` +
      `backends ${args.backends.join(', ')}${args.quick ? '; --quick' : ''}`,
  );
}

/** The one machine-readable line of a bench: `{"bench": name, ...}` (run.mjs --json collects these). */
export function emitJson(bench: string, args: BenchArgs, m: Machine, data: Record<string, unknown>): void {
  const line = {
    bench,
    date: new Date().toISOString(),
    quick: args.quick,
    backends: args.backends,
    machine: { ...m, load1End: round(loadavg()[0]!) },
    ...data,
  };
  console.log(JSON.stringify(line));
}
