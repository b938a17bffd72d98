// @medgpt/trainers-sft: continued pretraining (PT) and supervised fine-tuning (SFT), MedicalGPT's way.

// Trainers
export { PtTrainer } from './pt/pt-trainer.js';
export { SftTrainer } from './sft/sft-trainer.js';

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
  DIALOG_SPLITS,
  resolveSftConfig,
  SFT_DEFAULTS,
  SFT_OPTION_DOCS,
  type SftConfig,
  type SftConfigInput,
  type SftOptions,
} from './sft/sft-config.js';

// Data as each stage makes it
export { ptData, type PtData } from './pt/pt-data.js';
export { sftData, type SftData } from './sft/sft-data.js';

// The pieces, for other stages and custom loops
export { CausalLmTask, type CausalLmTaskOptions } from './stage/causal-lm-task.js';
export { runCausalLmStage, type CausalLmStageParts } from './stage/run-causal-lm-stage.js';
export {
  addNeftuneNoise,
  neftuneMagnitude,
  NEFTUNE_SCALES,
  sequenceLengths,
  type NeftuneOptions,
  type NeftuneScale,
} from './stage/neftune.js';
export {
  longLoraModulesToSave,
  SHIFT_ATTN_DOC,
  SHIFT_ATTN_GROUP_SIZE_RATIO,
  SHIFT_ATTN_PAD_MULTIPLE,
} from './stage/shift-attn.js';
