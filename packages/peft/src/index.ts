// @medgpt/peft: LoRA / rsLoRA / DoRA adapters for @medgpt/models, in peft's format.

// Config (peft's LoraConfig fields and adapter_config.json)
export {
  createLoraConfig,
  validateLoraConfig,
  LORA_BIAS,
  SEQ_CLS_HEADS,
  TASK_TYPES,
  type TaskType,
  type LoraConfig,
  type LoraConfigOptions,
  type LoraBias,
  type InitLoraWeights,
} from './config/lora-config.js';
export { medicalGptLoraConfig, type MedicalGptLoraArgs } from './config/medicalgpt-lora-args.js';
export { parseAdapterConfig, adapterConfigJson } from './config/adapter-config-json.js';
export {
  resolveTargets,
  expandAllTargets,
  allLinearNames,
  linearModules,
  type LinearModule,
  LM_HEAD_MODULE,
  type TargetModule,
} from './config/resolve-targets.js';
export { resolveModulesToSave } from './config/resolve-modules-to-save.js';
export { PeftError } from './peft-error.js';

// Adapters on a model
export { PeftModel, type PeftModelOptions, type AddAdapterOptions } from './peft-model.js';
export { LoraAdapter, type LoraModule } from './lora/lora-adapter.js';
export { createLoraAdapter } from './lora/create-lora-adapter.js';
export { adapterLayout, type AdapterLayout } from './lora/adapter-layout.js';
export { loraForward } from './lora/lora-forward.js';
export { doraLinear } from './lora/dora-linear.js';
export { weightNorm } from './lora/weight-norm.js';
export { deltaWeight, mergedWeight, unmergedWeight } from './lora/merged-weight.js';

// PEFT format
export {
  saveAdapter,
  ADAPTER_CONFIG_FILE,
  ADAPTER_WEIGHTS_FILE,
  type SaveAdapterOptions,
} from './io/save-adapter.js';
export { loadAdapter, readAdapterConfig, type LoadAdapterOptions } from './io/load-adapter.js';
export { peftTensorNames, peftTensorRole, PEFT_PREFIX, type PeftTensorRole } from './io/peft-tensor-names.js';

// Merge into a full checkpoint (MedicalGPT's merge_peft_adapter.py)
export {
  mergePeftAdapter,
  MERGE_COPIED_FILES,
  type MergePeftAdapterOptions,
  type MergeReport,
} from './merge/merge-peft-adapter.js';
export { resizeTokenEmbeddings } from './merge/resize-token-embeddings.js';
export { tokenizerLength } from './merge/tokenizer-length.js';
