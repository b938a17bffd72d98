import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BnbError } from '../bnb/bnb-error.js';
import { parseBnbQuantizationConfig, type BnbQuantizationConfig } from '../bnb/bnb-quantization-config.js';

/**
 * The `quantization_config` of the model directory's config.json, checked, or null when the checkpoint
 * is not quantised. A config.json that cannot be read is an error naming it.
 */
export async function readQuantizationConfig(dir: string): Promise<BnbQuantizationConfig | null> {
  const configFile = join(dir, 'config.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(configFile, 'utf8'));
  } catch (e) {
    throw new BnbError(configFile, undefined, `cannot read the model config: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const rawQuant = (raw as Record<string, unknown> | null)?.quantization_config;
  return rawQuant === undefined || rawQuant === null
    ? null
    : parseBnbQuantizationConfig(rawQuant, configFile);
}
