// PhiloxRandom on the host (host-fallback.ts): it only runs at initialisation (weight init); per-step
// dropout has its own kernel (PhiloxDropout.ts).
import { PhiloxRandom, philoxRandomHostKernel } from '@medgpt/core-tensor';
import { hostFallbackConfig } from './host-fallback.js';

export const philoxRandomConfig = hostFallbackConfig(PhiloxRandom, philoxRandomHostKernel);
