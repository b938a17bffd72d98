/**
 * A safetensors file or checkpoint that cannot be read or written as asked. The message names the
 * file, the tensor (when one is involved), what is wrong and what was expected.
 */
export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
  /** Path of the file (or checkpoint directory / index) concerned. */
  readonly file: string;
  /** Name of the tensor concerned, if the problem is about one tensor. */
  readonly tensor: string | undefined;

  constructor(file: string, tensor: string | undefined, problem: string, options?: ErrorOptions) {
    super(`${file}${tensor === undefined ? '' : `: tensor ${JSON.stringify(tensor)}`}: ${problem}`, options);
    this.file = file;
    this.tensor = tensor;
  }
}
