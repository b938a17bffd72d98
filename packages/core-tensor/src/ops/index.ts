// Public surface of this folder; re-exported by src/index.ts.
export {};
