/**
 * Bytes as int32 words for a tensor (tfjs has no uint8 dtype): byte 4w + j becomes bits 8j..8j+7 of word
 * w (little-endian, the order every host and CUDA device reads them in), zero-padded to a whole word.
 * The dequantising ops (dequantize4bit, dequantizeInt8) read their codes in this form.
 */
export function packWords(bytes: Uint8Array | Int8Array): Int32Array {
  const words = new Int32Array(Math.ceil(bytes.length / 4));
  new Uint8Array(words.buffer).set(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1)
    throw new Error('packWords: this host is big-endian; quantised weights need a little-endian host');
  return words;
}
