// What the cuda allocator holds at its high-water mark: for a memory benchmark (gpu-qlora), the live
// allocations made since tracing began, by the allocator's context label and by size, and the JS stack of
// the allocation that set the peak (which op, forward or backward). Wraps the allocator's alloc/free on
// the instance; costs a Map update per allocation and a summary at each new peak (> 1 MiB above the last).
import { tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '@medgpt/backend-cuda';

const MiB = 2 ** 20;

export interface LivePeak {
  /** Live bytes at the peak, all of them (those before tracing included), MiB. */
  peakMiB: number;
  /** Live bytes when tracing began, MiB. */
  baseMiB: number;
  /** Allocations since tracing began still live at the peak: MiB by context label. */
  byContext: Record<string, number>;
  /** The same by allocation size: "size MiB x count" -> total MiB, the largest first (top 12). */
  bySize: [string, number][];
  /** Frames of the stack of the allocation that set the peak (bundle paths stripped). */
  stack: string[];
}

/** Starts tracing the cuda backend's allocator; `peak()` reports the high-water mark so far. */
export function traceLivePeak(): { peak(): LivePeak; stop(): void } {
  const allocator = (tf.backend() as CudaBackend).runtime.allocator;
  const alloc = allocator.alloc.bind(allocator);
  const free = allocator.free.bind(allocator);
  const live = new Map<number, { bytes: number; context: string }>();
  const base = allocator.stats().liveBytes;
  let bytes = base;
  let peak = base;
  let snapshotAt = 0;
  let snapshot: LivePeak = { peakMiB: base / MiB, baseMiB: base / MiB, byContext: {}, bySize: [], stack: [] };
  const summarise = (): void => {
    const byContext: Record<string, number> = {};
    const sizes = new Map<number, number>();
    for (const a of live.values()) {
      byContext[a.context] = (byContext[a.context] ?? 0) + a.bytes / MiB;
      sizes.set(a.bytes, (sizes.get(a.bytes) ?? 0) + 1);
    }
    const bySize = [...sizes]
      .map(([b, count]): [string, number] => [`${(b / MiB).toFixed(2)} MiB x ${count}`, (b * count) / MiB])
      .sort((x, y) => y[1] - x[1])
      .slice(0, 12);
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 60;
    const stack = (new Error().stack ?? '')
      .split('\n')
      .slice(3)
      .map((l) => l.trim().replace(/\(.*\/([^/]+:\d+):\d+\)$/, '($1)'))
      .filter(
        (l) =>
          !/node:internal|timeSteps|traceLivePeak|scopedRun|runKernel|kernelFunc|_Engine|Object\.tidy|at file:|forwardFunc|__op /.test(
            l,
          ),
      );
    Error.stackTraceLimit = limit;
    snapshot = { peakMiB: peak / MiB, baseMiB: base / MiB, byContext, bySize, stack };
  };
  allocator.alloc = (n: number, context = ''): number => {
    const pointer = alloc(n, context);
    if (pointer !== 0) {
      live.set(pointer, { bytes: n, context });
      bytes += n;
      if (bytes > peak) {
        peak = bytes;
        if (peak > snapshotAt + MiB) {
          snapshotAt = peak;
          summarise();
        } else snapshot.peakMiB = peak / MiB;
      }
    }
    return pointer;
  };
  allocator.free = (pointer: number, n: number): void => {
    const known = live.get(pointer);
    if (known !== undefined) {
      live.delete(pointer);
      bytes -= known.bytes;
    } else if (pointer !== 0) bytes -= n;
    free(pointer, n);
  };
  return {
    peak: () => ({ ...snapshot, peakMiB: peak / MiB }),
    stop: () => {
      allocator.alloc = alloc;
      allocator.free = free;
    },
  };
}
