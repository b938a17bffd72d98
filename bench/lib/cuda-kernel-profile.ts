// GPU milliseconds per tfjs kernel of some work on the cuda backend: CUDA events around every kernel
// dispatch (each costs ~1 us of host time; the total is the kernels' sum, not wall time). Shared by
// bench/gpu/gpu-train.ts --profile and bench/gpu/gpu-serve.ts --profile-kernels.
import { tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '@medgpt/backend-cuda';

export interface KernelProfile {
  /** Kernels dispatched. */
  kernels: number;
  /** GPU milliseconds in them, summed. */
  gpuMs: number;
  wallMs: number;
  /** [kernel name, { ms, calls }], most time first. */
  rows: [string, { ms: number; calls: number }][];
}

/** Runs `work` (which may be async) with every cuda kernel bracketed by events, then sums by name. */
export async function profileCudaKernels(work: () => unknown): Promise<KernelProfile> {
  const cuda = (tf.backend() as CudaBackend).runtime.cuda;
  const marks: { name: string; start: unknown; end: unknown }[] = [];
  const originals = tf.getKernelsForBackend('cuda');
  for (const config of originals) {
    tf.unregisterKernel(config.kernelName, 'cuda');
    tf.registerKernel({
      ...config,
      kernelFunc: (kernelArgs) => {
        const start = cuda.createEvent(true);
        const end = cuda.createEvent(true);
        cuda.record(start);
        const out = config.kernelFunc(kernelArgs);
        cuda.record(end);
        marks.push({ name: config.kernelName, start, end });
        return out;
      },
    });
  }
  const wall = performance.now();
  try {
    await work();
  } finally {
    for (const config of originals) {
      tf.unregisterKernel(config.kernelName, 'cuda');
      tf.registerKernel(config);
    }
  }
  const wallMs = performance.now() - wall;
  cuda.synchronize('kernel profile');
  const byName = new Map<string, { ms: number; calls: number }>();
  let gpuMs = 0;
  for (const m of marks) {
    const ms = cuda.elapsedMs(m.start as never, m.end as never);
    cuda.destroyEvent(m.start as never);
    cuda.destroyEvent(m.end as never);
    const entry = byName.get(m.name) ?? { ms: 0, calls: 0 };
    entry.ms += ms;
    entry.calls++;
    byName.set(m.name, entry);
    gpuMs += ms;
  }
  return { kernels: marks.length, gpuMs, wallMs, rows: [...byName].sort((a, b) => b[1].ms - a[1].ms) };
}

/** The profile as log lines: the total, then the `top` kernels by time. */
export function formatKernelProfile(p: KernelProfile, top = 25): string[] {
  return [
    `profile: ${p.kernels} kernels, ${p.gpuMs.toFixed(1)} ms GPU in kernels, ${p.wallMs.toFixed(1)} ms wall`,
    ...p.rows
      .slice(0, top)
      .map(
        ([name, e]) =>
          `  ${name.padEnd(28)} ${e.ms.toFixed(2).padStart(9)} ms ${String(e.calls).padStart(6)} calls ${((100 * e.ms) / p.gpuMs).toFixed(1).padStart(5)} %`,
      ),
  ];
}
