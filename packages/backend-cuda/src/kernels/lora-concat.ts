// LoRA's low-rank path folded into the base product by concatenating along the contracted dimension:
//   forward   y  = x W^T + s xa B^T  = [x | xa] [W | s B]^T            (K = in + r)
//   backward  dx = dy W + dxa A      = [dy | dxa] [W ; A]              (K = out + r)
// One bf16 GEMM each instead of the base GEMM plus a rank-r GEMM that re-reads and re-writes the whole
// float32 output (beta = 1): at r = 8 that second GEMM is all memory traffic. The concatenated operands
// are built in bf16 (csrc/LoraLinear.cu) and K is padded with zeros to a multiple of 8 (16-byte rows).
// Only in the 'bf16' matmul precision; LoraLinear.ts and LoraLinearGrad.ts decide when it pays.
import type { tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { gridFor, BLOCK } from './launch-config.js';
import { withScratch } from './scratch.js';

/** '1' folds LoRA's rank-r products into the base GEMM (see above), '0' keeps separate GEMMs. */
export const LORA_CONCAT_ENV = 'MEDGPT_CUDA_LORA_CONCAT';

let enabled: boolean | undefined;

/** Whether the concatenated GEMMs are on: MEDGPT_CUDA_LORA_CONCAT, read once (default off). */
export function loraConcatEnabled(backend: CudaBackend): boolean {
  enabled ??= process.env[LORA_CONCAT_ENV] === '1';
  return enabled && backend.runtime.matmul.precision === 'bf16';
}

const roundUp8 = (n: number) => Math.ceil(n / 8) * 8;

/** out [rows, ld] bf16 = [a | bf16(scale b) | 0]: a [rows, aCols] bf16 (device address), b [rows, bCols] float32. */
function concatCols(
  backend: CudaBackend,
  a: number,
  b: tf.TensorInfo,
  out: number,
  rows: number,
  aCols: number,
  ld: number,
  scale: number,
): void {
  const bCols = b.shape[1]!;
  backend.runtime
    .fn('LoraLinear', 'lora_concat_cols_bf16')
    .launch(backend.runtime.stream, gridFor((rows * ld) / 2), BLOCK, 0, [
      a,
      backend.pointer(b),
      out,
      rows,
      aCols,
      bCols,
      ld,
      scale,
    ]);
}

/**
 * out [m, n] (+ bias) = A' op(B') in one bf16 GEMM over two scratch operands that `fill` writes:
 * A' [m, k], B' [n, k] (transposeB) or [k, n].
 */
function scratchGemm(
  backend: CudaBackend,
  out: tf.TensorInfo,
  k: number,
  transposeB: boolean,
  names: [string, string],
  bias: tf.TensorInfo | undefined,
  fill: (a: number, b: number) => void,
): void {
  const [m, n] = out.shape as [number, number];
  withScratch(backend, m * k * 2, names[0], (a) =>
    withScratch(backend, n * k * 2, names[1], (b) => {
      fill(a, b);
      backend.runtime.matmul.run(
        { m, n, k, transposeA: false, transposeB, batch: 1 },
        a,
        b,
        backend.pointer(out),
        backend.runtime.stream,
        { bias: bias != null ? backend.pointer(bias) : undefined, bf16Operands: true },
      );
    }),
  );
}

/**
 * y [T, out] = x W^T + bias + scale xa B^T in one GEMM; x [T, in], weight [out, in], xa [T, r] (float32,
 * LoraLinear's saved product), loraB [out, r].
 */
export function concatForward(
  backend: CudaBackend,
  x: tf.TensorInfo,
  weight: tf.TensorInfo,
  xa: tf.TensorInfo,
  loraB: tf.TensorInfo,
  bias: tf.TensorInfo | undefined,
  scale: number,
): tf.TensorInfo {
  const [t, inF] = x.shape as [number, number];
  const [outF, r] = loraB.shape as [number, number];
  const ld = roundUp8(inF + r);
  const y = backend.makeTensorInfo([t, outF], 'float32');
  scratchGemm(backend, y, ld, true, ['LoRA [x | xa] bf16', 'LoRA [W | sB] bf16'], bias, (xc, wc) => {
    concatCols(backend, backend.bf16(x), xa, xc, t, inF, ld, 1);
    concatCols(backend, backend.bf16(weight), loraB, wc, outF, inF, ld, scale);
  });
  return y;
}

/**
 * Whether dx = [dy | dxa] [W ; A] moves fewer bytes than dx = dy W, then dx += dxa A (beta = 1): the
 * copy of dy's bf16 values (2 bytes, read and written) against the float32 dx read and written again.
 */
export function concatInputGradPays(inF: number, outF: number, r: number): boolean {
  return roundUp8(outF + r) < 2 * inF;
}

/** dx [T, in] = dy W + dxa A in one GEMM; dy [T, out], weight [out, in], dxa [T, r], loraA [r, in]. */
export function concatInputGrad(
  backend: CudaBackend,
  dy: tf.TensorInfo,
  weight: tf.TensorInfo,
  dxa: tf.TensorInfo,
  loraA: tf.TensorInfo,
): tf.TensorInfo {
  const [t, outF] = dy.shape as [number, number];
  const [r, inF] = loraA.shape as [number, number];
  const ld = roundUp8(outF + r);
  const dx = backend.makeTensorInfo([t, inF], 'float32');
  scratchGemm(backend, dx, ld, false, ['LoRA [dy | dxa] bf16', 'LoRA [W ; A] bf16'], undefined, (dc, wr) => {
    concatCols(backend, backend.bf16(dy), dxa, dc, t, outF, ld, 1);
    const total = ld * inF;
    backend.runtime
      .fn('LoraLinear', 'lora_stack_rows_bf16')
      .launch(backend.runtime.stream, gridFor(total), BLOCK, 0, [
        backend.bf16(weight),
        backend.pointer(loraA),
        wr,
        outF * inF,
        r * inF,
        total,
      ]);
  });
  return dx;
}
