// Types for kernel-signatures.mjs (used by build-kernels.mjs and by the tests).
export type ParamType = 'ptr' | 'i32' | 'f32' | 'i64' | 'f64' | { i64s: number };
export function int64Structs(text: string): Record<string, number>;
export function kernelSignatures(source: string, headers?: string): Record<string, ParamType[]>;
