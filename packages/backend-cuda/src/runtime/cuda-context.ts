import { check } from '../ffi/check.js';
import {
  CU_DEVICE_ATTRIBUTE,
  CU_EVENT_DEFAULT,
  CU_EVENT_DISABLE_TIMING,
  CU_STREAM_NON_BLOCKING,
  type DriverApi,
} from '../ffi/driver-api.js';
import type { Handle } from '../ffi/koffi-types.js';

/** What the backend reports about its GPU. */
export interface DeviceInfo {
  ordinal: number;
  name: string;
  computeCapability: [number, number];
  multiprocessors: number;
  totalBytes: number;
  driverVersion: number;
}

/**
 * The device's primary context, made current on this (the main) thread, and the one non-blocking
 * stream everything is ordered on: kernels, copies, frees and cuBLASLt calls. One stream means no
 * cross-stream synchronisation anywhere; stream-ordered frees make disposal safe at any time.
 */
export class CudaContext {
  private disposed = false;

  private constructor(
    readonly driver: DriverApi,
    readonly device: number,
    readonly context: Handle,
    readonly stream: Handle,
    readonly info: DeviceInfo,
  ) {}

  static create(driver: DriverApi, ordinal: number, driverVersion: number): CudaContext {
    const count: [number] = [0];
    check(driver.cuDeviceGetCount(count), 'cuDeviceGetCount');
    if (count[0] === 0) throw new Error('no CUDA device is visible (check CUDA_VISIBLE_DEVICES)');
    if (ordinal >= count[0]) {
      throw new RangeError(`CUDA device ${ordinal} requested, but only ${count[0]} device(s) are visible`);
    }
    const device: [number] = [0];
    check(driver.cuDeviceGet(device, ordinal), 'cuDeviceGet', `device ${ordinal}`);
    const info = readDeviceInfo(driver, device[0], ordinal, driverVersion);
    const context: [Handle | null] = [null];
    check(driver.cuDevicePrimaryCtxRetain(context, device[0]), 'cuDevicePrimaryCtxRetain');
    check(driver.cuCtxSetCurrent(context[0]!), 'cuCtxSetCurrent');
    const stream: [Handle | null] = [null];
    check(driver.cuStreamCreate(stream, CU_STREAM_NON_BLOCKING), 'cuStreamCreate');
    return new CudaContext(driver, device[0], context[0]!, stream[0]!, info);
  }

  /** Blocks until everything queued on the stream has run; surfaces asynchronous kernel faults. */
  synchronize(context = ''): void {
    check(this.driver.cuStreamSynchronize(this.stream), 'cuStreamSynchronize', context);
  }

  /** Waits for the stream on a worker thread, so the event loop keeps running meanwhile. */
  synchronizeAsync(context = ''): Promise<void> {
    return onWorker(this.driver.cuStreamSynchronize, this.stream, 'cuStreamSynchronize', context);
  }

  /** Waits on a worker thread until the work queued before `event` was recorded has run. */
  waitEventAsync(event: Handle, context = ''): Promise<void> {
    return onWorker(this.driver.cuEventSynchronize, event, 'cuEventSynchronize', context);
  }

  /** Queues a device-to-device copy of `bytes` bytes (nothing for 0). */
  copyDeviceToDevice(dst: number, src: number, bytes: number, context = ''): void {
    if (bytes === 0) return;
    check(this.driver.cuMemcpyDtoDAsync(dst, src, bytes, this.stream), 'cuMemcpyDtoDAsync', context);
  }

  createEvent(timing: boolean): Handle {
    const event: [Handle | null] = [null];
    check(
      this.driver.cuEventCreate(event, timing ? CU_EVENT_DEFAULT : CU_EVENT_DISABLE_TIMING),
      'cuEventCreate',
    );
    return event[0]!;
  }

  record(event: Handle): void {
    check(this.driver.cuEventRecord(event, this.stream), 'cuEventRecord');
  }

  /** Milliseconds between two recorded, completed timing events. */
  elapsedMs(start: Handle, end: Handle): number {
    const ms: [number] = [0];
    check(this.driver.cuEventElapsedTime(ms, start, end), 'cuEventElapsedTime');
    return ms[0];
  }

  destroyEvent(event: Handle): void {
    check(this.driver.cuEventDestroy(event), 'cuEventDestroy');
  }

  /** Free and total device memory as the driver sees it (all processes). */
  memoryInfo(): { freeBytes: number; totalBytes: number } {
    const free: [number] = [0];
    const total: [number] = [0];
    check(this.driver.cuMemGetInfo(free, total), 'cuMemGetInfo');
    return { freeBytes: free[0], totalBytes: total[0] };
  }

  /** Drains the stream, then releases it and the primary context. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.synchronize('dispose');
    check(this.driver.cuStreamDestroy(this.stream), 'cuStreamDestroy');
    check(this.driver.cuDevicePrimaryCtxRelease(this.device), 'cuDevicePrimaryCtxRelease');
  }
}

/** Runs a blocking wait (`fn` on `handle`) on koffi's worker thread; rejects with its CUDA error. */
function onWorker(
  fn: DriverApi['cuStreamSynchronize'],
  handle: Handle,
  name: string,
  context: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    fn.async(handle, (err, status) => {
      if (err) reject(err);
      else {
        try {
          check(status, name, context);
          resolve();
        } catch (e) {
          reject(e);
        }
      }
    });
  });
}

function readDeviceInfo(
  driver: DriverApi,
  device: number,
  ordinal: number,
  driverVersion: number,
): DeviceInfo {
  const attribute = (id: number, what: string): number => {
    const value: [number] = [0];
    check(driver.cuDeviceGetAttribute(value, id, device), 'cuDeviceGetAttribute', what);
    return value[0];
  };
  const nameBuf = new Uint8Array(256);
  check(driver.cuDeviceGetName(nameBuf, nameBuf.length, device), 'cuDeviceGetName');
  const end = nameBuf.indexOf(0);
  const total: [number] = [0];
  check(driver.cuDeviceTotalMem(total, device), 'cuDeviceTotalMem');
  return {
    ordinal,
    name: new TextDecoder().decode(nameBuf.subarray(0, end < 0 ? nameBuf.length : end)),
    computeCapability: [
      attribute(CU_DEVICE_ATTRIBUTE.COMPUTE_CAPABILITY_MAJOR, 'compute capability'),
      attribute(CU_DEVICE_ATTRIBUTE.COMPUTE_CAPABILITY_MINOR, 'compute capability'),
    ],
    multiprocessors: attribute(CU_DEVICE_ATTRIBUTE.MULTIPROCESSOR_COUNT, 'multiprocessor count'),
    totalBytes: total[0],
    driverVersion,
  };
}
