// Public surface of this folder; re-exported by src/index.ts.
// Reading: SafetensorsCheckpoint (a model dir, single file or sharded) and SafetensorsFile (one file).
// Writing: writeSafetensorsCheckpoint (a model dir, sharded like huggingface_hub) and writeSafetensors.
export { SafetensorsCheckpoint } from './safetensors-checkpoint.js';
export type { SafetensorsIndex, OpenCheckpointOptions } from './safetensors-checkpoint.js';
export { SafetensorsFile } from './safetensors-file.js';
export type { SafetensorsTensorInfo } from './parse-safetensors-header.js';
export { writeSafetensorsCheckpoint, shardFileNames } from './write-safetensors-checkpoint.js';
export type { WriteCheckpointOptions, CheckpointWriteResult } from './write-safetensors-checkpoint.js';
export { writeSafetensors } from './write-safetensors.js';
export type { WriteSafetensorsOptions } from './write-safetensors.js';
export type { TensorSource, TensorMap, DtypeChoice } from './prepare-tensors.js';
export type { SafetensorsArray, SafetensorsTypedArray } from './safetensors-array.js';
export { castSafetensorsArray } from './cast-safetensors-array.js';
export { safetensorsArrayToTensor } from './safetensors-array-to-tensor.js';
export { SAFETENSORS_DTYPES, isSafetensorsDtype, dtypeBits } from './safetensors-dtype.js';
export type { SafetensorsDtype } from './safetensors-dtype.js';
export { SafetensorsError } from './safetensors-error.js';
export { planShards } from './plan-shards.js';
export { parseSize } from './parse-size.js';
export { float32ToBf16, bf16ToFloat32, float32ToF16, f16ToFloat32 } from './half-float.js';
