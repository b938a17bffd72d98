/**
 * Reorders the rows of a Llama q_proj/k_proj weight (or bias) from Hugging Face's rotate-half RoPE
 * layout to the interleaved pairs llama.cpp's `llama` architecture rotates, as llama.cpp's
 * convert_hf_to_gguf.py `LlamaModel.permute` does: viewed as [heads, 2, headDim/2, cols], the two
 * middle axes swap, so row `h*headDim + 2i + j` of the result is row `h*headDim + j*headDim/2 + i`.
 * `heads` is the query heads for q and the key/value heads for k. Returns a new array.
 */
export function permuteLlamaQk(values: Float32Array, rows: number, heads: number): Float32Array {
  const cols = values.length / rows;
  if (!Number.isInteger(cols) || rows % heads !== 0 || (rows / heads) % 2 !== 0) {
    throw new RangeError(
      `permuteLlamaQk: ${values.length} values as ${rows} rows over ${heads} heads; expected whole rows and an even head size`,
    );
  }
  const headRows = rows / heads;
  const half = headRows / 2;
  const out = new Float32Array(values.length);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < half; i++) {
      for (let j = 0; j < 2; j++) {
        const src = (h * headRows + j * half + i) * cols;
        const dst = (h * headRows + 2 * i + j) * cols;
        out.set(values.subarray(src, src + cols), dst);
      }
    }
  }
  return out;
}
