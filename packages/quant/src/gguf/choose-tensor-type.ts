import { GgufExportError } from './gguf-export-error.js';
import { GGML_TYPES, type GgmlTypeName } from './ggml-type.js';

/** What `--outtype` asks for: the type of the big matrices. */
export type GgufOutType = 'f32' | 'f16' | 'q8_0' | 'q4_0';

export const GGUF_OUT_TYPES: readonly GgufOutType[] = ['f32', 'f16', 'q8_0', 'q4_0'];

/** `general.file_type` (llama.cpp's `llama_ftype`): ALL_F32, MOSTLY_F16, MOSTLY_Q8_0, MOSTLY_Q4_0. */
export const GGUF_FILE_TYPES: Readonly<Record<GgufOutType, number>> = { f32: 0, f16: 1, q8_0: 7, q4_0: 2 };

export interface TensorTypeChoice {
  type: GgmlTypeName;
  /** Why the type differs from the out type of a 2-D tensor, when it does. */
  note?: string;
}

/**
 * The storage type of one tensor, as llama.cpp's tools choose it:
 * - 1-D tensors and norms stay f32 (convert_hf_to_gguf.py);
 * - f32/f16: every other tensor in that type;
 * - q8_0: every matrix in q8_0 (convert_hf_to_gguf.py --outtype q8_0), f16 when its rows are not a
 *   multiple of 32 (the converter's fallback);
 * - q4_0: matrices in q4_0, as llama-quantize does, except the output matrix (`output.weight`, or
 *   `token_embd.weight` when the embeddings are tied and serve as output), which llama-quantize makes
 *   q6_K; this package has no k-quants and writes q8_0 there, a little larger and more precise. A q4_0
 *   matrix whose rows are not a multiple of 32 is an error, as in llama-quantize.
 */
export function chooseTensorType(
  name: string,
  shape: readonly number[],
  outType: GgufOutType,
  context: { hasOutput: boolean; file: string },
): TensorTypeChoice {
  if (shape.length <= 1 || name.endsWith('_norm.weight')) return { type: 'f32' };
  if (outType === 'f32' || outType === 'f16') return { type: outType };
  const row = shape[shape.length - 1]!;
  const isOutput = name === 'output.weight' || (!context.hasOutput && name === 'token_embd.weight');
  const target: GgmlTypeName = outType === 'q4_0' && isOutput ? 'q8_0' : outType;
  const note =
    target !== outType ? 'the output matrix: q8_0 (llama-quantize uses q6_K, not written here)' : undefined;
  if (row % GGML_TYPES[target].blockSize === 0)
    return note === undefined ? { type: target } : { type: target, note };
  if (target === 'q8_0') {
    return {
      type: 'f16',
      note: `rows of ${row} are not a multiple of 32: f16 (as convert_hf_to_gguf.py falls back)`,
    };
  }
  throw new GgufExportError(
    context.file,
    name,
    `has rows of ${row} values (shape [${shape}]); q4_0 needs rows that are a multiple of ${GGML_TYPES.q4_0.blockSize} (use q8_0, which falls back to f16 for such tensors)`,
  );
}
