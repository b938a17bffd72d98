// GPU time of recorded decode steps, for bench/gpu/gpu-serve.ts --profile-graphs: wraps the cuda driver's
// cuGraphLaunch so that every replay is bracketed by two events, and sums their elapsed time when the
// next replay starts (the engine has read the previous step's tokens by then, so its events are done).
// Bench-only: it patches the live driver object.
import { tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '@medgpt/backend-cuda';

export interface GraphLaunchTimer {
  /** Replays timed so far, and their summed GPU milliseconds (the last replay is added by `finish`). */
  finish(): { launches: number; gpuMs: number };
}

export function timeGraphLaunches(): GraphLaunchTimer {
  const cuda = (tf.backend() as CudaBackend).runtime.cuda;
  const driver = cuda.driver;
  const launch = driver.cuGraphLaunch.bind(driver);
  const start = cuda.createEvent(true);
  const end = cuda.createEvent(true);
  let launches = 0;
  let gpuMs = 0;
  let pending = false;
  const collect = () => {
    if (!pending) return;
    cuda.synchronize('graph timer');
    gpuMs += cuda.elapsedMs(start, end);
    pending = false;
  };
  driver.cuGraphLaunch = (exec, stream) => {
    collect();
    cuda.record(start);
    const status = launch(exec, stream);
    cuda.record(end);
    launches++;
    pending = true;
    return status;
  };
  return {
    finish() {
      collect();
      driver.cuGraphLaunch = launch;
      return { launches, gpuMs };
    },
  };
}
