// @medgpt/trainers-sft: continued pretraining (PT) and supervised fine-tuning (SFT), MedicalGPT's way.

// Trainers
export { PtTrainer } from './pt/pt-trainer.js';
export { SftTrainer } from './sft/sft-trainer.js';
export type { StageResult, StageRunOptions } from './stage/run-causal-lm-stage.js';

// Configs (MedicalGPT's argument names and defaults, plus transformers' TrainingArguments)
export {
  PT_DEFAULTS,
  PT_OPTION_DOCS,
  resolvePtConfig,
  type PtConfig,
  type PtConfigInput,
  type PtOptions,
} from './pt/pt-config.js';
export {
  resolveSftConfig,
  SFT_DEFAULTS,
  SFT_OPTION_DOCS,
  type SftConfig,
  type SftConfigInput,
  type SftOptions,
} from './sft/sft-config.js';
export { LORA_OPTION_DOCS, MODEL_OPTION_DOCS } from './config/option-docs.js';
export {
  LORA_OPTION_DEFAULTS,
  MODEL_OPTION_DEFAULTS,
  TORCH_DTYPES,
  type LoraOptions,
  type ModelOptions,
  type TorchDtype,
} from './config/model-options.js';

// Data as each stage makes it
export { ptData, type PtData } from './pt/pt-data.js';
export { sftData, type SftData } from './sft/sft-data.js';

// The pieces, for other stages and custom loops
export { CausalLmTask, type CausalLmTaskOptions } from './stage/causal-lm-task.js';
export { fullWeights, type TrainableWeights } from './stage/trainable-weights.js';
export { loraWeights, type LoraWeights } from './stage/lora-weights.js';
export { runCausalLmStage, trainingArguments, type CausalLmStageParts } from './stage/run-causal-lm-stage.js';
export { loadStageModel, paddingId, type StageModel } from './stage/load-stage-model.js';
export {
  addNeftuneNoise,
  neftuneMagnitude,
  NEFTUNE_SCALES,
  sequenceLengths,
  type NeftuneOptions,
  type NeftuneScale,
} from './stage/neftune.js';
export {
  enableGradientCheckpointing,
  withEmbeddingHook,
  type EmbeddingHook,
} from './stage/model-extensions.js';
