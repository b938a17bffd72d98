import { check } from '../ffi/check.js';
import { CU_FUNC_ATTRIBUTE, type DriverApi } from '../ffi/driver-api.js';
import type { Handle, Koffi } from '../ffi/koffi-types.js';

/**
 * How one kernel parameter is passed: a device pointer (a Number address, 0 for null), 32-bit int or
 * float, 64-bit int or double, or a struct made only of int64 fields (StridedView and the like).
 */
export type ParamType = 'ptr' | 'i32' | 'f32' | 'i64' | 'f64' | { i64s: number };

/** A value for one parameter: a number, or the int64 fields of a struct. */
export type ParamValue = number | readonly number[];

/** Grid size: blocks in x, or [x, y, z]. */
export type GridSize = number | readonly [number, number, number];

function paramBytes(type: ParamType): number {
  if (typeof type === 'object') return 8 * type.i64s;
  return type === 'i32' || type === 'f32' ? 4 : 8;
}

/**
 * One CUDA kernel ready to launch: its parameter block and the `void *[]` pointing into it are
 * allocated once (koffi.alloc: stable memory), and a launch only writes the argument values and makes
 * one FFI call. Building fresh arrays per launch for koffi to marshal would double the host cost
 * (cuda-ffi-findings: ~4-5 us per launch with this scheme, 7-8 us without).
 */
export class DeviceFunction {
  private readonly view: DataView;
  private readonly offsets: number[];
  private readonly params: Handle;
  /** Dynamic shared memory the kernel may use per launch (48 KiB unless raised). */
  private sharedLimit = 48 * 1024;

  constructor(
    koffi: Koffi,
    private readonly driver: DriverApi,
    private readonly handle: Handle,
    /** The kernel's name and file, for errors. */
    readonly label: string,
    private readonly types: readonly ParamType[],
  ) {
    this.offsets = [];
    let size = 0;
    for (const type of types) {
      this.offsets.push(size);
      size += paramBytes(type);
    }
    const block: Handle = koffi.alloc('uint8_t', Math.max(8, size));
    this.view = new DataView(koffi.view(block, Math.max(8, size)));
    this.params = koffi.alloc('uint8_t', 8 * Math.max(1, types.length));
    const pointers = new BigUint64Array(koffi.view(this.params, 8 * Math.max(1, types.length)));
    this.offsets.forEach((offset, i) => (pointers[i] = block + BigInt(offset)));
  }

  /**
   * Lets launches ask for up to `bytes` of dynamic shared memory (above 48 KiB a kernel must opt in;
   * sm_80 allows up to 163 KiB, sm_90 227 KiB). Costs one driver call the first time a size is raised.
   */
  allowSharedBytes(bytes: number): void {
    if (bytes <= this.sharedLimit) return;
    check(
      this.driver.cuFuncSetAttribute(this.handle, CU_FUNC_ATTRIBUTE.MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes),
      'cuFuncSetAttribute',
      `${this.label}: ${bytes} bytes of dynamic shared memory`,
    );
    this.sharedLimit = bytes;
  }

  /** Queues the kernel on `stream`. `args` follow the parameter list given at construction. */
  launch(
    stream: Handle,
    grid: GridSize,
    block: number,
    sharedBytes: number,
    args: readonly ParamValue[],
  ): void {
    if (args.length !== this.types.length) {
      throw new Error(`${this.label}: ${args.length} arguments for ${this.types.length} parameters`);
    }
    for (let i = 0; i < args.length; i++) this.write(this.types[i]!, this.offsets[i]!, args[i]!);
    if (sharedBytes > this.sharedLimit) this.allowSharedBytes(sharedBytes);
    const [gx, gy, gz] = typeof grid === 'number' ? [grid, 1, 1] : grid;
    check(
      this.driver.cuLaunchKernel(
        this.handle,
        gx,
        gy,
        gz,
        block,
        1,
        1,
        sharedBytes,
        stream,
        this.params,
        null,
      ),
      'cuLaunchKernel',
      this.label,
    );
  }

  private write(type: ParamType, offset: number, value: ParamValue): void {
    const v = this.view;
    if (typeof type === 'object') {
      if (!Array.isArray(value) || value.length !== type.i64s) {
        throw new Error(
          `${this.label}: a struct argument needs ${type.i64s} int64 fields, got ${String(value)}`,
        );
      }
      const fields = value as readonly number[];
      for (let f = 0; f < fields.length; f++) writeInt64(v, offset + 8 * f, fields[f]!);
      return;
    }
    if (typeof value !== 'number') throw new Error(`${this.label}: a ${type} argument got a struct`);
    const n = value;
    switch (type) {
      case 'i32':
        v.setInt32(offset, n, true);
        return;
      case 'f32':
        v.setFloat32(offset, n, true);
        return;
      case 'f64':
        v.setFloat64(offset, n, true);
        return;
      default:
        // 'ptr' and 'i64': little-endian 64-bit integer from a Number (exact below 2^53).
        writeInt64(v, offset, n);
    }
  }
}

/** Writes an integer Number (|n| < 2^53) as a little-endian two's-complement int64 without BigInt. */
export function writeInt64(view: DataView, offset: number, n: number): void {
  const high = Math.floor(n / 2 ** 32);
  view.setUint32(offset, n - high * 2 ** 32, true);
  view.setInt32(offset + 4, high, true);
}
