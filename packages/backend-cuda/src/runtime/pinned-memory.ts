import { check } from '../ffi/check.js';
import type { DriverApi } from '../ffi/driver-api.js';
import type { Handle, Koffi } from '../ffi/koffi-types.js';

/** Page-locked host memory (the device copies it asynchronously) and a byte view of it. */
export interface PinnedMemory {
  pointer: Handle;
  bytes: Uint8Array;
}

/** `size` bytes of pinned memory (cuMemHostAlloc); `context` names the user in errors. */
export function allocatePinned(koffi: Koffi, driver: DriverApi, size: number, context: string): PinnedMemory {
  const pointer: [Handle | null] = [null];
  check(driver.cuMemHostAlloc(pointer, size, 0), 'cuMemHostAlloc', context);
  return { pointer: pointer[0]!, bytes: new Uint8Array(koffi.view(pointer[0]!, size)) };
}

/** Frees memory from allocatePinned (after the copies that use it have run). */
export function freePinned(driver: DriverApi, memory: PinnedMemory): void {
  check(driver.cuMemFreeHost(memory.pointer), 'cuMemFreeHost');
}
