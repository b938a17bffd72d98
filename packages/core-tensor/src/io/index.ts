// Public surface of this folder; re-exported by src/index.ts.
export { writeFileAtomic } from '../safetensors/write-file-atomic.js';
export { writeTextAtomic } from './write-text-atomic.js';
