// The CUDA driver API (libcuda.so.1) through koffi: the functions the backend uses, declared with the
// exported versioned symbol names (cuda.h's macros map cuMemAlloc to cuMemAlloc_v2 and so on; dlsym
// needs the real name). Conventions (see docs/cuda.md): handles are BigInt, device pointers are
// Numbers (uint64_t), out-params are one-element arrays.
import type { AsyncCapable, Handle, HostMemory, KoffiLibrary, Out } from './koffi-types.js';

export interface DriverApi {
  cuInit(flags: number): number;
  cuDriverGetVersion(version: Out<number>): number;
  cuDeviceGetCount(count: Out<number>): number;
  cuDeviceGet(device: Out<number>, ordinal: number): number;
  cuDeviceGetName(name: Uint8Array, length: number, device: number): number;
  cuDeviceGetAttribute(value: Out<number>, attribute: number, device: number): number;
  cuDeviceTotalMem(bytes: Out<number>, device: number): number;
  cuDevicePrimaryCtxRetain(context: Out<Handle | null>, device: number): number;
  cuDevicePrimaryCtxRelease(device: number): number;
  cuCtxSetCurrent(context: Handle): number;
  cuCtxSynchronize(): number;
  cuStreamCreate(stream: Out<Handle | null>, flags: number): number;
  cuStreamDestroy(stream: Handle): number;
  cuStreamSynchronize: ((stream: Handle) => number) & AsyncCapable<[Handle]>;
  cuMemGetInfo(free: Out<number>, total: Out<number>): number;
  /** The address is written into `out` (a reused Uint32Array(2): low, high words). */
  cuMemAllocAsync(out: Uint32Array, bytes: number, stream: Handle): number;
  cuMemFreeAsync(pointer: number, stream: Handle): number;
  cuDeviceGetDefaultMemPool(pool: Out<Handle | null>, device: number): number;
  cuMemPoolSetAttribute(pool: Handle, attribute: number, value: HostMemory): number;
  cuMemPoolGetAttribute(pool: Handle, attribute: number, value: HostMemory): number;
  cuMemPoolTrimTo(pool: Handle, minBytesToKeep: number): number;
  cuMemHostAlloc(pointer: Out<Handle | null>, bytes: number, flags: number): number;
  cuMemFreeHost(pointer: Handle): number;
  cuMemcpyHtoDAsync(dst: number, src: HostMemory, bytes: number, stream: Handle): number;
  cuMemcpyDtoHAsync(dst: HostMemory, src: number, bytes: number, stream: Handle): number;
  cuMemcpyDtoDAsync(dst: number, src: number, bytes: number, stream: Handle): number;
  cuMemsetD32Async(dst: number, value: number, count: number, stream: Handle): number;
  cuModuleLoadData(module: Out<Handle | null>, image: HostMemory): number;
  cuModuleGetFunction(fn: Out<Handle | null>, module: Handle, name: string): number;
  cuModuleUnload(module: Handle): number;
  cuFuncSetAttribute(fn: Handle, attribute: number, value: number): number;
  cuLaunchKernel(
    fn: Handle,
    gridX: number,
    gridY: number,
    gridZ: number,
    blockX: number,
    blockY: number,
    blockZ: number,
    sharedMemBytes: number,
    stream: Handle,
    kernelParams: Handle,
    extra: null,
  ): number;
  cuEventCreate(event: Out<Handle | null>, flags: number): number;
  cuEventRecord(event: Handle, stream: Handle): number;
  cuEventSynchronize: ((event: Handle) => number) & AsyncCapable<[Handle]>;
  cuEventElapsedTime(ms: Out<number>, start: Handle, end: Handle): number;
  cuEventDestroy(event: Handle): number;
  cuGetErrorName(status: number, name: Out<string | null>): number;
  cuGetErrorString(status: number, text: Out<string | null>): number;
  // CUDA graphs: a stream's work recorded once, replayed by one launch (captured decode steps).
  cuStreamBeginCapture(stream: Handle, mode: number): number;
  cuStreamEndCapture(stream: Handle, graph: Out<Handle | null>): number;
  cuGraphInstantiateWithFlags(exec: Out<Handle | null>, graph: Handle, flags: number): number;
  cuGraphUpload(exec: Handle, stream: Handle): number;
  cuGraphLaunch(exec: Handle, stream: Handle): number;
  cuGraphExecDestroy(exec: Handle): number;
  cuGraphDestroy(graph: Handle): number;
}

/** C prototypes, by the name the backend calls them; the symbol is the name inside the prototype. */
export const DRIVER_PROTOTYPES: Record<keyof DriverApi, string> = {
  cuInit: 'int cuInit(unsigned int flags)',
  cuDriverGetVersion: 'int cuDriverGetVersion(_Out_ int *version)',
  cuDeviceGetCount: 'int cuDeviceGetCount(_Out_ int *count)',
  cuDeviceGet: 'int cuDeviceGet(_Out_ int *device, int ordinal)',
  cuDeviceGetName: 'int cuDeviceGetName(_Out_ uint8_t *name, int len, int device)',
  cuDeviceGetAttribute: 'int cuDeviceGetAttribute(_Out_ int *value, int attribute, int device)',
  cuDeviceTotalMem: 'int cuDeviceTotalMem_v2(_Out_ size_t *bytes, int device)',
  cuDevicePrimaryCtxRetain: 'int cuDevicePrimaryCtxRetain(_Out_ void **context, int device)',
  cuDevicePrimaryCtxRelease: 'int cuDevicePrimaryCtxRelease_v2(int device)',
  cuCtxSetCurrent: 'int cuCtxSetCurrent(void *context)',
  cuCtxSynchronize: 'int cuCtxSynchronize()',
  cuStreamCreate: 'int cuStreamCreate(_Out_ void **stream, unsigned int flags)',
  cuStreamDestroy: 'int cuStreamDestroy_v2(void *stream)',
  cuStreamSynchronize: 'int cuStreamSynchronize(void *stream)',
  cuMemGetInfo: 'int cuMemGetInfo_v2(_Out_ size_t *free, _Out_ size_t *total)',
  cuMemAllocAsync: 'int cuMemAllocAsync(void *dptrOut, size_t bytes, void *stream)',
  cuMemFreeAsync: 'int cuMemFreeAsync(uint64_t dptr, void *stream)',
  cuDeviceGetDefaultMemPool: 'int cuDeviceGetDefaultMemPool(_Out_ void **pool, int device)',
  cuMemPoolSetAttribute: 'int cuMemPoolSetAttribute(void *pool, int attribute, void *value)',
  cuMemPoolGetAttribute: 'int cuMemPoolGetAttribute(void *pool, int attribute, void *value)',
  cuMemPoolTrimTo: 'int cuMemPoolTrimTo(void *pool, size_t minBytesToKeep)',
  cuMemHostAlloc: 'int cuMemHostAlloc(_Out_ void **pointer, size_t bytes, unsigned int flags)',
  cuMemFreeHost: 'int cuMemFreeHost(void *pointer)',
  cuMemcpyHtoDAsync: 'int cuMemcpyHtoDAsync_v2(uint64_t dst, const void *src, size_t bytes, void *stream)',
  cuMemcpyDtoHAsync: 'int cuMemcpyDtoHAsync_v2(void *dst, uint64_t src, size_t bytes, void *stream)',
  cuMemcpyDtoDAsync: 'int cuMemcpyDtoDAsync_v2(uint64_t dst, uint64_t src, size_t bytes, void *stream)',
  cuMemsetD32Async: 'int cuMemsetD32Async(uint64_t dst, unsigned int value, size_t count, void *stream)',
  cuModuleLoadData: 'int cuModuleLoadData(_Out_ void **module, const void *image)',
  cuModuleGetFunction: 'int cuModuleGetFunction(_Out_ void **fn, void *module, const char *name)',
  cuModuleUnload: 'int cuModuleUnload(void *module)',
  cuFuncSetAttribute: 'int cuFuncSetAttribute(void *fn, int attribute, int value)',
  cuLaunchKernel:
    'int cuLaunchKernel(void *f, unsigned int gridX, unsigned int gridY, unsigned int gridZ, ' +
    'unsigned int blockX, unsigned int blockY, unsigned int blockZ, unsigned int sharedMemBytes, ' +
    'void *stream, void *kernelParams, void *extra)',
  cuEventCreate: 'int cuEventCreate(_Out_ void **event, unsigned int flags)',
  cuEventRecord: 'int cuEventRecord(void *event, void *stream)',
  cuEventSynchronize: 'int cuEventSynchronize(void *event)',
  cuEventElapsedTime: 'int cuEventElapsedTime_v2(_Out_ float *ms, void *start, void *end)',
  cuEventDestroy: 'int cuEventDestroy_v2(void *event)',
  cuGetErrorName: 'int cuGetErrorName(int status, _Out_ const char **name)',
  cuGetErrorString: 'int cuGetErrorString(int status, _Out_ const char **text)',
  cuStreamBeginCapture: 'int cuStreamBeginCapture_v2(void *stream, int mode)',
  cuStreamEndCapture: 'int cuStreamEndCapture(void *stream, _Out_ void **graph)',
  cuGraphInstantiateWithFlags:
    'int cuGraphInstantiateWithFlags(_Out_ void **exec, void *graph, unsigned long long flags)',
  cuGraphUpload: 'int cuGraphUpload(void *exec, void *stream)',
  cuGraphLaunch: 'int cuGraphLaunch(void *exec, void *stream)',
  cuGraphExecDestroy: 'int cuGraphExecDestroy(void *exec)',
  cuGraphDestroy: 'int cuGraphDestroy(void *graph)',
};

/**
 * Prototypes tried when the first one's symbol is missing: cuEventElapsedTime_v2 appeared in CUDA
 * 12.8; older drivers only export the unsuffixed symbol with the same signature.
 */
const DRIVER_FALLBACKS: Partial<Record<keyof DriverApi, string>> = {
  cuEventElapsedTime: 'int cuEventElapsedTime(_Out_ float *ms, void *start, void *end)',
};

/** Binds every driver function; throws naming the first symbol the library lacks. */
export function bindDriverApi(lib: KoffiLibrary): DriverApi {
  const api: Record<string, unknown> = {};
  for (const [name, prototype] of Object.entries(DRIVER_PROTOTYPES)) {
    api[name] = bindWithFallback(lib, prototype, DRIVER_FALLBACKS[name as keyof DriverApi]);
  }
  return api as unknown as DriverApi;
}

function bindWithFallback(lib: KoffiLibrary, prototype: string, fallback: string | undefined): unknown {
  try {
    return lib.func(prototype);
  } catch (err) {
    if (fallback === undefined) throw err;
    return lib.func(fallback);
  }
}

/** CUdevice_attribute values used here (cuda.h). */
export const CU_DEVICE_ATTRIBUTE = {
  MULTIPROCESSOR_COUNT: 16,
  COMPUTE_CAPABILITY_MAJOR: 75,
  COMPUTE_CAPABILITY_MINOR: 76,
} as const;

/** CUstreamCaptureMode (cuda.h): thread-local refuses unsafe calls from this thread while capturing. */
export const CU_STREAM_CAPTURE_MODE_THREAD_LOCAL = 1;

/** CUmemPool_attribute values used here (cuda.h; all cuuint64_t). */
export const CU_MEMPOOL_ATTR = {
  RELEASE_THRESHOLD: 4,
  RESERVED_MEM_CURRENT: 5,
  RESERVED_MEM_HIGH: 6,
  USED_MEM_CURRENT: 7,
  USED_MEM_HIGH: 8,
} as const;

/** CUfunction_attribute values used here (cuda.h). */
export const CU_FUNC_ATTRIBUTE = {
  MAX_DYNAMIC_SHARED_SIZE_BYTES: 8,
} as const;

export const CU_STREAM_NON_BLOCKING = 1;
export const CU_EVENT_DEFAULT = 0;
export const CU_EVENT_DISABLE_TIMING = 2;
