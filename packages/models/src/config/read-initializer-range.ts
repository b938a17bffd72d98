import { ConfigReader, type JsonObject } from './config-reader.js';

/** transformers' default std of the normal init of linear and embedding weights. */
const DEFAULT_INITIALIZER_RANGE = 0.02;

/** config.json's `initializer_range` (the std new weights are drawn with), 0.02 when absent. */
export function readInitializerRange(raw: JsonObject, file: string): number {
  return new ConfigReader(raw, file).positiveNumber('initializer_range', DEFAULT_INITIALIZER_RANGE);
}
