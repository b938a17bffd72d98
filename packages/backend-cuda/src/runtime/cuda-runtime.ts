import { check } from '../ffi/check.js';
import { initDriver, type CudaLibraries } from '../ffi/load-cuda-libraries.js';
import type { Handle } from '../ffi/koffi-types.js';
import { CudaContext, type DeviceInfo } from './cuda-context.js';
import { DeviceAllocator } from './device-allocator.js';
import { DeviceFunction } from './device-function.js';
import { KernelModules } from './kernel-modules.js';
import { MatmulPlans } from './matmul-plans.js';
import { PinnedStaging } from './pinned-staging.js';

/**
 * Everything the backend needs on one GPU: the context and stream, the allocator, pinned staging for
 * copies, the compiled kernels and cuBLASLt. Created once per process by the provider.
 */
export class CudaRuntime {
  readonly staging: PinnedStaging;
  readonly matmul: MatmulPlans;
  private readonly functions = new Map<string, DeviceFunction>();
  private readonly workspace: number;
  private disposed = false;

  private constructor(
    readonly libraries: CudaLibraries,
    readonly cuda: CudaContext,
    readonly allocator: DeviceAllocator,
    readonly modules: KernelModules,
    private readonly cublasLtHandle: Handle,
  ) {
    this.staging = new PinnedStaging(libraries.koffi, cuda);
    this.workspace = allocator.alloc(MatmulPlans.workspaceBytes, 'cuBLASLt workspace');
    this.matmul = new MatmulPlans(libraries.koffi, libraries.cublasLt, cublasLtHandle, this.workspace);
  }

  /** Initialises the driver, device `ordinal`'s context and stream, the memory pool and cuBLASLt. */
  static create(libraries: CudaLibraries, ordinal: number, kernelsDir: string): CudaRuntime {
    const driverVersion = initDriver(libraries.driver);
    const cuda = CudaContext.create(libraries.driver, ordinal, driverVersion);
    const allocator = DeviceAllocator.create(libraries.driver, cuda.device, cuda.stream);
    const handle: [Handle | null] = [null];
    check(libraries.cublasLt.cublasLtCreate(handle), 'cublasLtCreate', '', 'cublasLt');
    return new CudaRuntime(
      libraries,
      cuda,
      allocator,
      new KernelModules(libraries.driver, kernelsDir),
      handle[0]!,
    );
  }

  get device(): DeviceInfo {
    return this.cuda.info;
  }

  get stream(): Handle {
    return this.cuda.stream;
  }

  /**
   * The kernel `name` from csrc/<file>.cu, ready to launch with arguments in the order of its C
   * signature (built once, then looked up).
   */
  fn(file: string, name: string): DeviceFunction {
    const key = `${file}:${name}`;
    let fn = this.functions.get(key);
    if (fn === undefined) {
      const params = this.modules.signature(file, name);
      const handle = this.modules.function(file, name);
      fn = new DeviceFunction(
        this.libraries.koffi,
        this.libraries.driver,
        handle,
        `${name} (csrc/${file}.cu)`,
        params,
      );
      this.functions.set(key, fn);
    }
    return fn;
  }

  /** Fills `count` 32-bit words at `pointer` with `bits` (float or int bit pattern). */
  fill32(pointer: number, bits: number, count: number, context: string): void {
    if (count === 0) return;
    check(
      this.libraries.driver.cuMemsetD32Async(pointer, bits >>> 0, count, this.stream),
      'cuMemsetD32Async',
      context,
    );
  }

  /** Copies `bytes` bytes between device addresses, in stream order. */
  copy(dst: number, src: number, bytes: number, context: string): void {
    if (bytes === 0) return;
    check(
      this.libraries.driver.cuMemcpyDtoDAsync(dst, src, bytes, this.stream),
      'cuMemcpyDtoDAsync',
      context,
    );
  }

  /** Releases everything (waits for the stream first). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.cuda.synchronize('dispose');
    this.matmul.dispose();
    this.allocator.free(this.workspace, MatmulPlans.workspaceBytes);
    this.staging.dispose();
    this.modules.dispose();
    check(this.libraries.cublasLt.cublasLtDestroy(this.cublasLtHandle), 'cublasLtDestroy', '', 'cublasLt');
    this.cuda.dispose();
  }
}
