// cuBLASLt (libcublasLt.so.13, from the CUDA 13 toolkit) through koffi: matmul descriptors, layouts,
// the algorithm heuristic and the matmul itself. Same conventions as driver-api.ts.
import type { Handle, HostMemory, KoffiLibrary, Out } from './koffi-types.js';

export interface CublasLtApi {
  cublasLtCreate(handle: Out<Handle | null>): number;
  cublasLtDestroy(handle: Handle): number;
  cublasLtGetVersion(): number;
  cublasLtGetStatusName(status: number): string;
  cublasLtGetStatusString(status: number): string;
  cublasLtMatmulDescCreate(desc: Out<Handle | null>, computeType: number, scaleType: number): number;
  cublasLtMatmulDescDestroy(desc: Handle): number;
  cublasLtMatmulDescSetAttribute(desc: Handle, attribute: number, value: HostMemory, bytes: number): number;
  cublasLtMatrixLayoutCreate(
    layout: Out<Handle | null>,
    type: number,
    rows: number,
    cols: number,
    ld: number,
  ): number;
  cublasLtMatrixLayoutDestroy(layout: Handle): number;
  cublasLtMatrixLayoutSetAttribute(
    layout: Handle,
    attribute: number,
    value: HostMemory,
    bytes: number,
  ): number;
  cublasLtMatmulPreferenceCreate(pref: Out<Handle | null>): number;
  cublasLtMatmulPreferenceDestroy(pref: Handle): number;
  cublasLtMatmulPreferenceSetAttribute(
    pref: Handle,
    attribute: number,
    value: HostMemory,
    bytes: number,
  ): number;
  cublasLtMatmulAlgoGetHeuristic(
    handle: Handle,
    desc: Handle,
    aDesc: Handle,
    bDesc: Handle,
    cDesc: Handle,
    dDesc: Handle,
    pref: Handle,
    requested: number,
    results: Handle,
    returned: Out<number>,
  ): number;
  cublasLtMatmul(
    handle: Handle,
    desc: Handle,
    alpha: Handle,
    a: number,
    aDesc: Handle,
    b: number,
    bDesc: Handle,
    beta: Handle,
    c: number,
    cDesc: Handle,
    d: number,
    dDesc: Handle,
    algo: Handle,
    workspace: number,
    workspaceBytes: number,
    stream: Handle,
  ): number;
}

export const CUBLASLT_PROTOTYPES: Record<keyof CublasLtApi, string> = {
  cublasLtCreate: 'int cublasLtCreate(_Out_ void **handle)',
  cublasLtDestroy: 'int cublasLtDestroy(void *handle)',
  cublasLtGetVersion: 'size_t cublasLtGetVersion()',
  cublasLtGetStatusName: 'const char *cublasLtGetStatusName(int status)',
  cublasLtGetStatusString: 'const char *cublasLtGetStatusString(int status)',
  cublasLtMatmulDescCreate: 'int cublasLtMatmulDescCreate(_Out_ void **desc, int computeType, int scaleType)',
  cublasLtMatmulDescDestroy: 'int cublasLtMatmulDescDestroy(void *desc)',
  cublasLtMatmulDescSetAttribute:
    'int cublasLtMatmulDescSetAttribute(void *desc, int attr, const void *buf, size_t sizeInBytes)',
  cublasLtMatrixLayoutCreate:
    'int cublasLtMatrixLayoutCreate(_Out_ void **layout, int type, uint64_t rows, uint64_t cols, int64_t ld)',
  cublasLtMatrixLayoutDestroy: 'int cublasLtMatrixLayoutDestroy(void *layout)',
  cublasLtMatrixLayoutSetAttribute:
    'int cublasLtMatrixLayoutSetAttribute(void *layout, int attr, const void *buf, size_t sizeInBytes)',
  cublasLtMatmulPreferenceCreate: 'int cublasLtMatmulPreferenceCreate(_Out_ void **pref)',
  cublasLtMatmulPreferenceDestroy: 'int cublasLtMatmulPreferenceDestroy(void *pref)',
  cublasLtMatmulPreferenceSetAttribute:
    'int cublasLtMatmulPreferenceSetAttribute(void *pref, int attr, const void *buf, size_t sizeInBytes)',
  cublasLtMatmulAlgoGetHeuristic:
    'int cublasLtMatmulAlgoGetHeuristic(void *handle, void *desc, void *Adesc, void *Bdesc, void *Cdesc, ' +
    'void *Ddesc, void *pref, int requestedAlgoCount, void *results, _Out_ int *returnAlgoCount)',
  cublasLtMatmul:
    'int cublasLtMatmul(void *handle, void *desc, const void *alpha, uint64_t A, void *Adesc, uint64_t B, ' +
    'void *Bdesc, const void *beta, uint64_t C, void *Cdesc, uint64_t D, void *Ddesc, const void *algo, ' +
    'uint64_t workspace, size_t workspaceSizeInBytes, void *stream)',
};

export function bindCublasLtApi(lib: KoffiLibrary): CublasLtApi {
  const api: Record<string, unknown> = {};
  for (const [name, prototype] of Object.entries(CUBLASLT_PROTOTYPES)) api[name] = lib.func(prototype);
  return api as unknown as CublasLtApi;
}

/** cuBLASLt / CUDA enum values used here (cublasLt.h, library_types.h; checked on the device). */
export const CUBLAS = {
  COMPUTE_32F: 68,
  /** fp32 in and out, products on bf16 tensor cores with fp32 accumulation. */
  COMPUTE_32F_FAST_16BF: 75,
  /** fp32 in and out, products on TF32 tensor cores with fp32 accumulation. */
  COMPUTE_32F_FAST_TF32: 77,
  R_32F: 0,
  R_16BF: 14,
  OP_N: 0,
  OP_T: 1,
  DESC_TRANSA: 3,
  DESC_TRANSB: 4,
  DESC_EPILOGUE: 7,
  DESC_BIAS_POINTER: 8,
  /** Epilogue: D = alpha A B + beta C + bias (bias broadcast along the rows of column-major C). */
  EPILOGUE_BIAS: 4,
  LAYOUT_BATCH_COUNT: 5,
  LAYOUT_STRIDED_BATCH_OFFSET: 6,
  PREF_MAX_WORKSPACE_BYTES: 1,
  PREF_MIN_ALIGNMENT_A_BYTES: 5,
  PREF_MIN_ALIGNMENT_B_BYTES: 6,
  PREF_MIN_ALIGNMENT_C_BYTES: 7,
  PREF_MIN_ALIGNMENT_D_BYTES: 8,
  /** sizeof(cublasLtMatmulHeuristicResult_t); the algo is its first 64 bytes. */
  HEURISTIC_RESULT_BYTES: 96,
} as const;
