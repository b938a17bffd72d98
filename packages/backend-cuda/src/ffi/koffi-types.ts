// Types for the parts of koffi this package uses, so that the rest of the code is typed.
import type * as KoffiModule from 'koffi';

/** The koffi module (imported dynamically: its native binary must not be needed to import us). */
export type Koffi = typeof KoffiModule;

/** A library opened by koffi.load(). */
export type KoffiLibrary = ReturnType<Koffi['load']>;

/**
 * A host pointer or opaque handle as koffi 3 returns it (BigInt), passed back unchanged. Device
 * addresses are plain Numbers instead (CUdeviceptr declared as uint64_t; every address is < 2^53).
 */
export type Handle = bigint;

/** An out-parameter koffi fills: pass [null] or [0], read [0] after the call. */
export type Out<T> = [T];

/** Memory koffi may pass to a `void *`/`const void *` parameter. */
export type HostMemory = ArrayBufferView | Handle | null;

/** A koffi function that can also run on a worker thread (koffi's `.async`). */
export interface AsyncCapable<A extends unknown[]> {
  async(...args: [...A, (err: unknown, result: number) => void]): void;
}
