// Public surface of this folder; re-exported by src/index.ts.
export { numericGrad, closeness } from './grad-check.js';
