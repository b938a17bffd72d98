// Public surface of this folder; re-exported by src/index.ts.
export { philox4x32 } from './philox.js';
export { erf, erfc, normalCdf, normalQuantile } from './normal-cdf.js';
export type { Distribution } from './distributions.js';
export { Generator, type GeneratorState } from './generator.js';
export { randomTensor, randomUniform, randomNormal, randomTruncatedNormal } from './random-tensor.js';
export { initTensor, fanInFanOut, calculateGain, type InitSpec, type Nonlinearity } from './init-tensor.js';
export { dropout } from './dropout.js';
