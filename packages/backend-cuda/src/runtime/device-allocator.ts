import { check } from '../ffi/check.js';
import { CU_MEMPOOL_ATTR, type DriverApi } from '../ffi/driver-api.js';
import type { Handle } from '../ffi/koffi-types.js';

/** Device memory counters, in bytes. */
export interface DeviceMemoryStats {
  /** Bytes handed out by this allocator and not yet freed. */
  liveBytes: number;
  /** Backing memory the pool holds (live + cached for reuse). */
  poolReservedBytes: number;
  /** The pool's high-water mark of reserved memory. */
  poolReservedPeakBytes: number;
}

/**
 * Tensor memory from the device's default memory pool through cuMemAllocAsync/cuMemFreeAsync on the
 * backend's stream (~1 us each; cuMemAlloc would cost 30-770 us and sync). The pool's release threshold
 * is raised to the maximum so freed blocks stay cached for the next allocation instead of going back
 * to the driver at every synchronisation: this is the caching allocator. Frees are stream-ordered, so
 * a tensor can be freed while kernels that read it are still queued.
 */
export class DeviceAllocator {
  private readonly out = new Uint32Array(2);
  private live = 0;

  private constructor(
    private readonly driver: DriverApi,
    private readonly stream: Handle,
    private readonly pool: Handle,
  ) {}

  static create(driver: DriverApi, device: number, stream: Handle): DeviceAllocator {
    const pool: [Handle | null] = [null];
    check(driver.cuDeviceGetDefaultMemPool(pool, device), 'cuDeviceGetDefaultMemPool');
    const keepAll = BigUint64Array.of(0xffff_ffff_ffff_ffffn);
    check(
      driver.cuMemPoolSetAttribute(pool[0]!, CU_MEMPOOL_ATTR.RELEASE_THRESHOLD, keepAll),
      'cuMemPoolSetAttribute',
      'release threshold',
    );
    return new DeviceAllocator(driver, stream, pool[0]!);
  }

  /** A device address of `bytes` bytes (0 for an empty request), valid in stream order from now on. */
  alloc(bytes: number, context = ''): number {
    if (bytes === 0) return 0;
    const status = this.driver.cuMemAllocAsync(this.out, bytes, this.stream);
    if (status !== 0) {
      check(
        status,
        'cuMemAllocAsync',
        `${bytes} bytes${context ? ` for ${context}` : ''}${this.describe(status)}`,
      );
    }
    this.live += bytes;
    return this.out[0]! + this.out[1]! * 2 ** 32;
  }

  /** Returns `pointer` (of `bytes` bytes) to the pool once the stream's queued work is done with it. */
  free(pointer: number, bytes: number): void {
    if (pointer === 0) return;
    check(this.driver.cuMemFreeAsync(pointer, this.stream), 'cuMemFreeAsync');
    this.live -= bytes;
  }

  stats(): DeviceMemoryStats {
    return {
      liveBytes: this.live,
      poolReservedBytes: this.poolAttribute(CU_MEMPOOL_ATTR.RESERVED_MEM_CURRENT),
      poolReservedPeakBytes: this.poolAttribute(CU_MEMPOOL_ATTR.RESERVED_MEM_HIGH),
    };
  }

  private poolAttribute(attribute: number): number {
    const value = new BigUint64Array(1);
    check(this.driver.cuMemPoolGetAttribute(this.pool, attribute, value), 'cuMemPoolGetAttribute');
    return Number(value[0]);
  }

  /** For out-of-memory errors: what this process holds. */
  private describe(status: number): string {
    if (status !== 2) return '';
    const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
    return `; ${gib(this.live)} in live tensors, pool holds ${gib(this.poolAttribute(CU_MEMPOOL_ATTR.RESERVED_MEM_CURRENT))}`;
  }
}
