import { tf } from '@medgpt/core-tensor';

/** Memory in MB: the tensors the backend holds, and the process's resident set (host memory). */
export interface MemoryUsage {
  tensor_mb: number;
  rss_mb: number;
}

const MB = 1024 * 1024;

export function memoryUsage(): MemoryUsage {
  return {
    tensor_mb: round1(tf.memory().numBytes / MB),
    rss_mb: round1(process.memoryUsage().rss / MB),
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
