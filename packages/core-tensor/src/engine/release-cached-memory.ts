import { tf } from '../tf.js';

/** A backend with a caching allocator that can give its cached memory back (backend-cuda). */
interface CachingBackend {
  releaseCachedMemory(): number;
}

function caching(backend: tf.KernelBackend): backend is tf.KernelBackend & CachingBackend {
  return typeof (backend as Partial<CachingBackend>).releaseCachedMemory === 'function';
}

/**
 * Gives memory the current backend keeps cached for reuse back to the device, and restarts its peak
 * (torch.cuda.empty_cache): after a load that freed large temporaries (float32 weights replaced by
 * bf16 or quantised ones), so they neither hold device memory nor raise the training peak. Returns the
 * bytes given back; 0 on a backend without a cache (cpu, wasm).
 */
export function releaseCachedMemory(): number {
  const backend = tf.backend();
  return caching(backend) ? backend.releaseCachedMemory() : 0;
}
