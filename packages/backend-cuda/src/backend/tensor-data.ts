import type { tf } from '@medgpt/core-tensor';

/**
 * One buffer of device memory behind a tfjs dataId. Every dtype is stored as 4-byte elements: float32
 * as float32, int32 as int32, bool as int32 0/1 (so int and bool kernels are one family).
 */
export interface TensorData {
  /**
   * Device address of the float32 (int32) data: 0 for an empty tensor, and for a tensor stored in bf16
   * only (`bf16` holds its values; see CudaBackend.pointer, which widens them on first use).
   */
  pointer: number;
  bytes: number;
  dtype: tf.DataType;
  /** Element count. */
  size: number;
  /** Tensors (and aliases: Reshape, Identity, same-dtype Cast) that share this buffer. */
  refCount: number;
  /** Asynchronous reads in flight; the memory is freed only after they finish. */
  pendingReads: number;
  /** Set when disposed while a read was pending. */
  released: boolean;
  /**
   * Device address of a bf16 copy of the data, made the first time a tensor-core matmul reads this
   * tensor (CudaBackend.bf16) and freed with it; size * 2 bytes. Valid because tensor data never
   * changes after the kernel that made it (a kernel writing into an existing buffer must drop it).
   * For a tensor stored in bf16 (RoundToBf16, dequantised matmul operands) it is the data itself, and
   * `pointer`, once made, is its exact float32 widening.
   */
  bf16?: number;
  /** The data was made in bf16 (`bf16` is the original; `pointer` at most a widened copy). */
  bf16Stored?: boolean;
  /**
   * Extra device data a kernel left about this tensor for a later kernel, freed with it: the tiled
   * attention forward's per-row log2-sum-exp, which its backward then need not recompute. `key` says
   * what it is and for which shape.
   */
  sidecar?: { key: string; pointer: number; bytes: number };
}

/** Bytes of device storage per element of any supported dtype. */
export const ELEMENT_BYTES = 4;
