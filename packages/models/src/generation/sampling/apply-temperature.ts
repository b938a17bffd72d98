/** transformers' TemperatureLogitsWarper: logits / temperature (temperature > 0). Returns a new row. */
export function applyTemperature(row: Float32Array, temperature: number): Float32Array {
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new RangeError(`temperature must be a positive number, got ${temperature}`);
  }
  return row.map((v) => v / temperature);
}
