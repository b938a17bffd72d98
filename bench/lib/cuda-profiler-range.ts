// The CUDA profiler's collection range (cuProfilerStart / cuProfilerStop from libcuda), so a profiler
// started with `ncu --profile-from-start off` records only the part of a bench program between the two
// calls (e.g. the timed decode steps, not model set-up, warm-up or the reference check). Bench-only.
import koffi from 'koffi';

export interface ProfilerRange {
  start(): void;
  stop(): void;
}

export function cudaProfilerRange(): ProfilerRange {
  const lib = koffi.load('libcuda.so.1');
  const start = lib.func('int cuProfilerStart()') as () => number;
  const stop = lib.func('int cuProfilerStop()') as () => number;
  const check = (name: string, status: number) => {
    if (status !== 0) throw new Error(`${name} failed with CUresult ${status}`);
  };
  return { start: () => check('cuProfilerStart', start()), stop: () => check('cuProfilerStop', stop()) };
}
