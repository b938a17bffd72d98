/** Environment variable naming the CUDA device ordinal to use (after CUDA_VISIBLE_DEVICES filtering). */
export const DEVICE_ENV = 'MEDGPT_CUDA_DEVICE';

/**
 * The device ordinal: `option` (e.g. the CLI's --device) if given, else MEDGPT_CUDA_DEVICE, else 0.
 * Ordinals count the devices CUDA_VISIBLE_DEVICES leaves visible, as every CUDA program sees them.
 */
export function resolveDeviceOrdinal(
  option: number | string | undefined,
  env: Record<string, string | undefined> = process.env,
): number {
  const [raw, source] =
    option !== undefined && option !== ''
      ? [String(option), '--device']
      : [env[DEVICE_ENV] ?? '', DEVICE_ENV];
  if (raw.trim() === '') return 0;
  const ordinal = Number(raw);
  if (!Number.isSafeInteger(ordinal) || ordinal < 0) {
    throw new RangeError(`${source} must be a device ordinal (an integer >= 0), got '${raw}'`);
  }
  return ordinal;
}
