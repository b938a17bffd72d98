import {
  initBackend,
  registerBackendProvider,
  type BackendReport,
  type InitBackendOptions,
} from '@medgpt/core-tensor';
import type { OptionSpec } from './args/option-schema.js';

/** `--device N`: the CUDA device the cuda backend uses (every command that takes --backend takes it). */
export const DEVICE_OPTION = {
  type: 'integer',
  metavar: 'N',
  description: 'CUDA device ordinal for the cuda backend (default MEDGPT_CUDA_DEVICE, else 0)',
} as const satisfies OptionSpec;

/**
 * Makes the cuda backend selectable when `@medgpt/backend-cuda` is installed: importing it registers
 * its provider (first in automatic selection; it loads only where the driver and CUDA libraries are).
 * `device` re-registers the provider for that CUDA device ordinal. A missing or broken package just
 * means no cuda provider: false.
 */
export async function registerCudaBackend(device?: number): Promise<boolean> {
  try {
    const cuda = await import('@medgpt/backend-cuda');
    if (device !== undefined) registerBackendProvider(cuda.createCudaProvider({ device }));
    return true;
  } catch {
    return false;
  }
}

/** `initBackend` after `registerCudaBackend(device)`: what every command runs before touching tensors. */
export async function initCliBackend(
  options: InitBackendOptions & { device?: number | undefined },
): Promise<BackendReport> {
  const { device, ...rest } = options;
  await registerCudaBackend(device);
  return initBackend(rest);
}
