import { check } from '../ffi/check.js';
import { CU_MEMPOOL_ATTR, type DriverApi } from '../ffi/driver-api.js';
import type { Handle } from '../ffi/koffi-types.js';
import { StepArena } from './step-arena.js';

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
  private peak = 0;
  /** Arenas of captured steps that still exist; `recording` is the one allocations come from now. */
  private readonly arenas: StepArena[] = [];
  private recording: StepArena | null = null;
  /** Frees of pool memory asked for while recording: done once recording ends, not inside the graph. */
  private deferred: [number, number][] = [];

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
    if (this.recording !== null) {
      const pointer = this.recording.alloc(bytes);
      if (pointer === null)
        throw new Error(
          `captured step: its arena of ${this.recording.bytes} bytes has no room for ${bytes} bytes` +
            `${context ? ` for ${context}` : ''} (${this.recording.inUseBytes} in use)`,
        );
      return pointer;
    }
    const status = this.driver.cuMemAllocAsync(this.out, bytes, this.stream);
    if (status !== 0) {
      check(
        status,
        'cuMemAllocAsync',
        `${bytes} bytes${context ? ` for ${context}` : ''}${this.describe(status)}`,
      );
    }
    this.live += bytes;
    this.peak = Math.max(this.peak, this.live);
    return this.out[0]! + this.out[1]! * 2 ** 32;
  }

  /** Returns `pointer` (of `bytes` bytes) to the pool once the stream's queued work is done with it. */
  free(pointer: number, bytes: number): void {
    if (pointer === 0) return;
    const arena = this.arenas.find((a) => a.owns(pointer));
    if (arena !== undefined) {
      // Space in a captured step's arena: the graph owns the addresses; only the bookkeeping changes.
      arena.free(pointer);
      return;
    }
    if (this.recording !== null) {
      this.deferred.push([pointer, bytes]);
      return;
    }
    check(this.driver.cuMemFreeAsync(pointer, this.stream), 'cuMemFreeAsync');
    this.live -= bytes;
  }

  /** A new arena of `bytes` bytes from the pool, for a step about to be recorded. */
  createArena(bytes: number): StepArena {
    const arena = new StepArena(this.alloc(bytes, 'captured step arena'), bytes);
    this.arenas.push(arena);
    return arena;
  }

  /** Gives an arena's block back to the pool (its graph is gone). */
  destroyArena(arena: StepArena): void {
    const at = this.arenas.indexOf(arena);
    if (at < 0) return;
    this.arenas.splice(at, 1);
    this.free(arena.base, arena.bytes);
  }

  /** From now on allocations come from `arena` (null: from the pool again, and deferred frees run). */
  record(arena: StepArena | null): void {
    this.recording = arena;
    if (arena !== null) return;
    const deferred = this.deferred;
    this.deferred = [];
    for (const [pointer, bytes] of deferred) this.free(pointer, bytes);
  }

  /** Restarts the high-water mark of live bytes at the current figure, and returns that figure. */
  resetPeak(): number {
    this.peak = this.live;
    return this.live;
  }

  /** The most live bytes since the last resetPeak (or ever). */
  get peakLiveBytes(): number {
    return this.peak;
  }

  /**
   * Gives the pool's cached (freed, unused) memory back to the driver and restarts the pool's
   * high-water mark at what it then holds (torch.cuda.empty_cache + reset_peak_memory_stats): after a
   * load that freed large temporaries, so they neither sit in the pool nor count in its peak. Call with
   * the stream drained (frees are stream-ordered). Returns the bytes given back.
   */
  releaseCached(): number {
    const before = this.poolAttribute(CU_MEMPOOL_ATTR.RESERVED_MEM_CURRENT);
    check(this.driver.cuMemPoolTrimTo(this.pool, 0), 'cuMemPoolTrimTo');
    const zero = BigUint64Array.of(0n);
    check(
      this.driver.cuMemPoolSetAttribute(this.pool, CU_MEMPOOL_ATTR.RESERVED_MEM_HIGH, zero),
      'cuMemPoolSetAttribute',
      'reset the reserved high-water mark',
    );
    return before - this.poolAttribute(CU_MEMPOOL_ATTR.RESERVED_MEM_CURRENT);
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
