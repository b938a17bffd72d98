import { check } from '../ffi/check.js';
import { CUBLAS, type CublasLtApi } from '../ffi/cublaslt-api.js';
import type { Handle, Koffi } from '../ffi/koffi-types.js';

/** One batched product C[b] = op(A[b]) . op(B[b]) of row-major float32 matrices, as tfjs's BatchMatMul. */
export interface MatmulShape {
  /** Rows of op(A) and C. */
  m: number;
  /** Columns of op(B) and C. */
  n: number;
  /** The contracted size. */
  k: number;
  /** A is stored [k, m] (op(A) = A^T) instead of [m, k]. */
  transposeA: boolean;
  /** B is stored [n, k] instead of [k, n]. */
  transposeB: boolean;
  batch: number;
}

/** What a matmul adds beyond C = op(A) op(B). */
export interface MatmulExtras {
  /** C = alpha op(A) op(B) + beta C (default 1 and 0: beta 1 accumulates into the given C). */
  alpha?: number;
  beta?: number;
  /** Device address of an [n] float32 bias added to every row of C (2-D products only). */
  bias?: number;
  /** a and b point at bf16 copies (the 'bf16' precision) instead of the float32 data. */
  bf16Operands?: boolean;
}

interface Plan {
  desc: Handle;
  layouts: [Handle, Handle, Handle];
  pref: Handle;
  /** The heuristic's results block; the first result's algo is at its start. */
  algo: Handle;
}

const WORKSPACE_BYTES = 32 * 1024 * 1024;

/**
 * How cuBLASLt multiplies float32 tensors: 'fp32' true fp32 (what exact conformance with the cpu
 * backend needs), 'tf32' TF32 tensor cores on the float32 data, 'bf16' bf16 tensor cores with fp32
 * accumulation (the precision policy's matmul): the kernels pass bf16 copies of the operands
 * (CudaBackend.bf16, made once per tensor) and cuBLASLt writes float32 results.
 */
export type MatmulPrecision = 'fp32' | 'tf32' | 'bf16';
export const MATMUL_PRECISIONS: readonly MatmulPrecision[] = ['fp32', 'tf32', 'bf16'];
export const MATMUL_PRECISION_ENV = 'MEDGPT_CUDA_MATMUL';

const COMPUTE_TYPE: Record<MatmulPrecision, number> = {
  fp32: CUBLAS.COMPUTE_32F,
  tf32: CUBLAS.COMPUTE_32F_FAST_TF32,
  // Used only when a caller passes float32 operands in 'bf16' mode (kernels pass bf16 copies instead).
  bf16: CUBLAS.COMPUTE_32F_FAST_16BF,
};

/** `value` (an option or MEDGPT_CUDA_MATMUL) as a MatmulPrecision; 'bf16' when unset. */
export function parseMatmulPrecision(
  value: string | undefined,
  source = MATMUL_PRECISION_ENV,
): MatmulPrecision {
  if (value === undefined || value === '') return 'bf16';
  if ((MATMUL_PRECISIONS as readonly string[]).includes(value)) return value as MatmulPrecision;
  throw new RangeError(`${source}: expected one of ${MATMUL_PRECISIONS.join(', ')}, got '${value}'`);
}

/**
 * cuBLASLt matmuls with one cached plan (descriptor, three layouts, chosen algorithm) per shape, so a
 * repeated shape costs one cublasLtMatmul call (~9 us host). fp32 in, fp32 out; the compute type
 * follows `precision` (settable at any time: plans are kept per precision).
 *
 * Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T, and a row-major buffer read
 * column-major is its transpose: so cuBLASLt's "A" is our B and its "B" is our A, with the transpose
 * flags carried over (cuda-ffi-findings 1.5 derives the same layout for x W^T).
 */
export class MatmulPlans {
  private readonly plans = new Map<string, Plan>();
  private readonly scalars: Handle;
  private readonly scalarValues: Float32Array;
  private readonly beta: Handle;
  private readonly biasPointer = new BigUint64Array(1);
  /** The compute precision of matmuls queued from now on. */
  precision: MatmulPrecision = 'bf16';

  constructor(
    private readonly koffi: Koffi,
    private readonly lt: CublasLtApi,
    private readonly handle: Handle,
    private readonly workspace: number,
  ) {
    // alpha = 1, beta = 0 as float32, in stable memory (host pointer mode reads them at call time).
    this.scalars = koffi.alloc('uint8_t', 8);
    this.scalarValues = new Float32Array(koffi.view(this.scalars, 8));
    this.scalarValues.set([1, 0]);
    this.beta = this.scalars + 4n;
  }

  static workspaceBytes = WORKSPACE_BYTES;

  /**
   * Queues C = alpha op(A) op(B) + beta C (+ bias) on `stream`; a, b, c are device addresses of
   * contiguous float32 tensors. alpha and beta are read from host memory during this call.
   */
  run(shape: MatmulShape, a: number, b: number, c: number, stream: Handle, extras: MatmulExtras = {}): void {
    const hasBias = extras.bias !== undefined && extras.bias !== 0;
    if (hasBias && shape.batch > 1)
      throw new RangeError(`matmul bias: 2-D products only, got ${describe(shape)}`);
    const plan = this.plan(shape, hasBias, extras.bf16Operands === true);
    this.scalarValues[0] = extras.alpha ?? 1;
    this.scalarValues[1] = extras.beta ?? 0;
    if (hasBias) {
      this.biasPointer[0] = BigInt(extras.bias!);
      const status = this.lt.cublasLtMatmulDescSetAttribute(
        plan.desc,
        CUBLAS.DESC_BIAS_POINTER,
        this.biasPointer,
        8,
      );
      if (status !== 0)
        check(status, 'cublasLtMatmulDescSetAttribute', `bias of ${describe(shape)}`, 'cublasLt');
    }
    const status = this.lt.cublasLtMatmul(
      this.handle,
      plan.desc,
      this.scalars,
      b,
      plan.layouts[0],
      a,
      plan.layouts[1],
      this.beta,
      c,
      plan.layouts[2],
      c,
      plan.layouts[2],
      plan.algo,
      this.workspace,
      WORKSPACE_BYTES,
      stream,
    );
    // The context string is only built on failure: this runs for every matmul.
    if (status !== 0) check(status, 'cublasLtMatmul', `BatchMatMul ${describe(shape)}`, 'cublasLt');
  }

  dispose(): void {
    for (const plan of this.plans.values()) {
      check(
        this.lt.cublasLtMatmulPreferenceDestroy(plan.pref),
        'cublasLtMatmulPreferenceDestroy',
        '',
        'cublasLt',
      );
      for (const layout of plan.layouts) {
        check(this.lt.cublasLtMatrixLayoutDestroy(layout), 'cublasLtMatrixLayoutDestroy', '', 'cublasLt');
      }
      check(this.lt.cublasLtMatmulDescDestroy(plan.desc), 'cublasLtMatmulDescDestroy', '', 'cublasLt');
    }
    this.plans.clear();
  }

  private plan(shape: MatmulShape, bias: boolean, bf16: boolean): Plan {
    const key = `${this.precision},${+bias},${+bf16},${shape.m},${shape.n},${shape.k},${+shape.transposeA},${+shape.transposeB},${shape.batch}`;
    let plan = this.plans.get(key);
    if (plan === undefined) {
      plan = this.createPlan(shape, bias, bf16);
      this.plans.set(key, plan);
    }
    return plan;
  }

  private createPlan(shape: MatmulShape, bias: boolean, bf16: boolean): Plan {
    const { m, n, k, transposeA, transposeB, batch } = shape;
    const what = `BatchMatMul ${describe(shape)} (${this.precision})`;
    const lt = this.lt;
    const ok = (status: number, call: string) => check(status, call, what, 'cublasLt');
    const out: [Handle | null] = [null];
    ok(
      lt.cublasLtMatmulDescCreate(
        out,
        bf16 ? CUBLAS.COMPUTE_32F : COMPUTE_TYPE[this.precision],
        CUBLAS.R_32F,
      ),
      'cublasLtMatmulDescCreate',
    );
    const desc = out[0]!;
    const op = (t: boolean) => Int32Array.of(t ? CUBLAS.OP_T : CUBLAS.OP_N);
    ok(
      lt.cublasLtMatmulDescSetAttribute(desc, CUBLAS.DESC_TRANSA, op(transposeB), 4),
      'cublasLtMatmulDescSetAttribute',
    );
    ok(
      lt.cublasLtMatmulDescSetAttribute(desc, CUBLAS.DESC_TRANSB, op(transposeA), 4),
      'cublasLtMatmulDescSetAttribute',
    );
    if (bias) {
      // Our row-major C's columns are column-major C's rows: the bias runs along the output features.
      ok(
        lt.cublasLtMatmulDescSetAttribute(desc, CUBLAS.DESC_EPILOGUE, Int32Array.of(CUBLAS.EPILOGUE_BIAS), 4),
        'cublasLtMatmulDescSetAttribute',
      );
    }
    // Column-major views: cuBLASLt's A is our B buffer, its B is our A buffer, C^T is [n, m].
    const operand = bf16 ? CUBLAS.R_16BF : CUBLAS.R_32F;
    const layouts: [Handle, Handle, Handle] = [
      this.layout(operand, transposeB ? k : n, transposeB ? n : k, batch, n * k, what),
      this.layout(operand, transposeA ? m : k, transposeA ? k : m, batch, m * k, what),
      this.layout(CUBLAS.R_32F, n, m, batch, m * n, what),
    ];
    ok(lt.cublasLtMatmulPreferenceCreate(out), 'cublasLtMatmulPreferenceCreate');
    const pref = out[0]!;
    const setPref = (attribute: number, value: BigUint64Array | Uint32Array) =>
      ok(
        lt.cublasLtMatmulPreferenceSetAttribute(pref, attribute, value, value.byteLength),
        'cublasLtMatmulPreferenceSetAttribute',
      );
    setPref(CUBLAS.PREF_MAX_WORKSPACE_BYTES, BigUint64Array.of(BigInt(WORKSPACE_BYTES)));
    // Buffers start 256-byte aligned; batch strides may break that, and the heuristic must know.
    const alignment = (elementsPerMatrix: number, bytes: number) =>
      Uint32Array.of(batch > 1 ? alignmentOf(bytes * elementsPerMatrix, bytes) : 256);
    const operandBytes = bf16 ? 2 : 4;
    setPref(CUBLAS.PREF_MIN_ALIGNMENT_A_BYTES, alignment(n * k, operandBytes));
    setPref(CUBLAS.PREF_MIN_ALIGNMENT_B_BYTES, alignment(m * k, operandBytes));
    setPref(CUBLAS.PREF_MIN_ALIGNMENT_C_BYTES, alignment(m * n, 4));
    setPref(CUBLAS.PREF_MIN_ALIGNMENT_D_BYTES, alignment(m * n, 4));
    const algo: Handle = this.koffi.alloc('uint8_t', CUBLAS.HEURISTIC_RESULT_BYTES);
    const found: [number] = [0];
    ok(
      lt.cublasLtMatmulAlgoGetHeuristic(
        this.handle,
        desc,
        layouts[0],
        layouts[1],
        layouts[2],
        layouts[2],
        pref,
        1,
        algo,
        found,
      ),
      'cublasLtMatmulAlgoGetHeuristic',
    );
    if (found[0] === 0) throw new Error(`cuBLASLt has no algorithm for ${what}`);
    return { desc, layouts, pref, algo };
  }

  private layout(
    type: number,
    rows: number,
    cols: number,
    batch: number,
    stride: number,
    what: string,
  ): Handle {
    const lt = this.lt;
    const out: [Handle | null] = [null];
    check(
      lt.cublasLtMatrixLayoutCreate(out, type, rows, cols, rows),
      'cublasLtMatrixLayoutCreate',
      what,
      'cublasLt',
    );
    const layout = out[0]!;
    if (batch > 1) {
      check(
        lt.cublasLtMatrixLayoutSetAttribute(layout, CUBLAS.LAYOUT_BATCH_COUNT, Int32Array.of(batch), 4),
        'cublasLtMatrixLayoutSetAttribute',
        what,
        'cublasLt',
      );
      check(
        lt.cublasLtMatrixLayoutSetAttribute(
          layout,
          CUBLAS.LAYOUT_STRIDED_BATCH_OFFSET,
          BigInt64Array.of(BigInt(stride)),
          8,
        ),
        'cublasLtMatrixLayoutSetAttribute',
        what,
        'cublasLt',
      );
    }
    return layout;
  }
}

/** The largest power of two up to 256 that divides `bytes`, at least `element` (the element size). */
export function alignmentOf(bytes: number, element = 4): number {
  let a = 256;
  while (a > element && bytes % a !== 0) a /= 2;
  return a;
}

function describe(s: MatmulShape): string {
  return `[${s.batch}] ${s.m}x${s.k}${s.transposeA ? 'ᵀ' : ''} . ${s.k}x${s.n}${s.transposeB ? 'ᵀ' : ''}`;
}
