import type { CudaContext } from './cuda-context.js';
import { check } from '../ffi/check.js';
import type { Handle, Koffi } from '../ffi/koffi-types.js';
import { allocatePinned, freePinned, type PinnedMemory } from './pinned-memory.js';

/** Copies up to this size go straight from/to JS memory: the driver stages small pageable copies itself. */
export const DIRECT_COPY_BYTES = 64 * 1024;
/** Size of one pinned slot; larger transfers go through the slots in turn. */
export const SLOT_BYTES = 8 * 1024 * 1024;
const SLOT_COUNT = 4;

interface Slot extends PinnedMemory {
  /** Recorded after the slot's last copy; waited on before the slot is written or read again. */
  done: Handle;
}

/**
 * Host<->device copies of tensor data. Pageable (JS) memory copies at 6-7 GB/s and large ones block
 * the thread; page-locked memory copies at ~55 GB/s asynchronously. So large uploads are cut into
 * 8 MiB pieces that JS writes into a ring of pinned slots while the DMA engine drains the previous
 * ones; each slot's event guards its reuse. Small copies go direct.
 */
export class PinnedStaging {
  private slots: Slot[] | null = null;
  private next = 0;
  /** While a step is recorded: where uploads go instead (their bytes must outlive the graph). */
  private recording: ((dst: number, src: Uint8Array) => void) | null = null;

  constructor(
    private readonly koffi: Koffi,
    private readonly cuda: CudaContext,
  ) {}

  /** Queues the copy of `src` to device address `dst`; `src` may be reused as soon as this returns. */
  upload(dst: number, src: Uint8Array): void {
    if (this.recording !== null) return this.recording(dst, src);
    const { driver, stream } = this.cuda;
    if (src.byteLength <= DIRECT_COPY_BYTES) {
      check(driver.cuMemcpyHtoDAsync(dst, src, src.byteLength, stream), 'cuMemcpyHtoDAsync', 'tensor upload');
      return;
    }
    for (let offset = 0; offset < src.byteLength; offset += SLOT_BYTES) {
      const piece = src.subarray(offset, Math.min(src.byteLength, offset + SLOT_BYTES));
      const slot = this.acquire();
      slot.bytes.set(piece);
      check(
        driver.cuMemcpyHtoDAsync(dst + offset, slot.pointer, piece.byteLength, stream),
        'cuMemcpyHtoDAsync',
        'tensor upload',
      );
      this.cuda.record(slot.done);
    }
  }

  /** Copies device memory at `src` into `dst`, after everything queued before; blocks until done. */
  download(src: number, dst: Uint8Array): void {
    if (this.recording !== null)
      throw new Error(
        'captured step: a tensor was read back to the host while the step was recorded; a captured step ' +
          'may not read values (an op without a cuda kernel falls back to the host this way)',
      );
    const { driver, stream } = this.cuda;
    if (dst.byteLength <= DIRECT_COPY_BYTES) {
      // A device-to-pageable copy returns only once the data has arrived.
      check(driver.cuMemcpyDtoHAsync(dst, src, dst.byteLength, stream), 'cuMemcpyDtoHAsync', 'tensor read');
      return;
    }
    for (let offset = 0; offset < dst.byteLength; offset += SLOT_BYTES) {
      const bytes = Math.min(SLOT_BYTES, dst.byteLength - offset);
      const slot = this.acquire();
      check(
        driver.cuMemcpyDtoHAsync(slot.pointer, src + offset, bytes, stream),
        'cuMemcpyDtoHAsync',
        'tensor read',
      );
      this.cuda.record(slot.done);
      check(driver.cuEventSynchronize(slot.done), 'cuEventSynchronize', 'tensor read');
      dst.set(slot.bytes.subarray(0, bytes), offset);
    }
  }

  /**
   * While a step is recorded, uploads (constants the step makes, e.g. a scalar) go to `sink`, which keeps
   * their bytes in memory that lives with the graph; null restores normal uploads. Reads are refused.
   */
  record(sink: ((dst: number, src: Uint8Array) => void) | null): void {
    this.recording = sink;
  }

  /** Frees the pinned slots (after the stream has drained). */
  dispose(): void {
    for (const slot of this.slots ?? []) {
      this.cuda.destroyEvent(slot.done);
      freePinned(this.cuda.driver, slot);
    }
    this.slots = null;
  }

  /** The next slot of the ring, once the copy it last served has finished. */
  private acquire(): Slot {
    const slots = (this.slots ??= this.allocateSlots());
    const slot = slots[this.next]!;
    this.next = (this.next + 1) % slots.length;
    check(this.cuda.driver.cuEventSynchronize(slot.done), 'cuEventSynchronize', 'pinned staging slot');
    return slot;
  }

  /** Allocated on first use: page-locking costs ~20 ms for the 32 MiB. */
  private allocateSlots(): Slot[] {
    return Array.from({ length: SLOT_COUNT }, () => {
      const memory = allocatePinned(this.koffi, this.cuda.driver, SLOT_BYTES, 'pinned staging');
      const done = this.cuda.createEvent(false);
      // Recorded once so the first wait on the slot returns at once.
      this.cuda.record(done);
      return { ...memory, done };
    });
  }
}
