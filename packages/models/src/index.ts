// @medgpt/models: Hugging Face decoder LMs (Llama, Qwen2/2.5, Qwen3, Mistral, Gemma 2/3, Baichuan, and the
// mixtures of experts Mixtral and Qwen3-MoE) in TypeScript, with the LM head or a sequence-classification
// (score) head.

// Config
export { parseModelConfig, type ParseConfigOptions } from './config/parse-model-config.js';
export { writeModelConfig } from './config/write-model-config.js';
export { configJsonText } from './config/config-json-text.js';
export {
  MODEL_DTYPES,
  type ModelConfig,
  type ModelDtype,
  type HiddenAct,
  type LayerRope,
} from './config/model-config.js';
export type { MoeConfig } from './config/moe-config.js';
export {
  parseGenerationConfig,
  defaultGenerationConfig,
  writeGenerationConfig,
  type GenerationConfig,
} from './config/generation-config.js';
export { ARCHITECTURES, findArchitecture } from './architectures/registry.js';
export type { Architecture, ArchitectureDifferences } from './architectures/architecture.js';
export { ModelError } from './model-error.js';

// Weights, load and save
export {
  parameterSpecs,
  isQuantizableParameter,
  EMBED_TOKENS,
  LM_HEAD,
  type ParameterSpec,
  type ParameterKind,
} from './weights/parameter-specs.js';
export {
  loadWeights,
  loadParameters,
  type LoadWeightsOptions,
  type LoadedParameters,
} from './weights/load-weights.js';
export type { WeightReader } from './weights/weight-reader.js';
export type { CheckpointSource } from './weights/checkpoint-source.js';
export { fusedExpertsView } from './weights/fused-experts-view.js';
export { moeModuleNames, type ExpertModules, type MoeModules } from './weights/moe-module-names.js';
export { loadModel, type LoadModelOptions } from './io/load-model.js';
export { saveModel, type SaveModelOptions } from './io/save-model.js';

// Forward
export {
  CausalLM,
  type CausalLMInputs,
  type CausalLMParts,
  type EmbeddingHook,
  type LossOptions,
  type StoreStepInputs,
  type StoreStepTensors,
} from './model/causal-lm.js';
export { KvCache } from './model/kv-cache.js';
export type { KvStore } from './model/kv-store.js';
export { linear, type LinearHook, type LinearWeight } from './model/linear.js';
export { isQuantizedWeight, type DequantizeOptions, type QuantizedWeight } from './model/quantized-weight.js';
export { quantizedMatMul } from './model/quantized-mat-mul.js';
export { FourBitWeight, type FourBitWeightParts, type NestedAbsmaxParts } from './model/four-bit-weight.js';
export { Int8Weight } from './model/int8-weight.js';
export { positionIdsFromMask, hostPositionIds } from './model/position-ids.js';
export { lastNonPadIndex } from './model/last-non-pad-index.js';
export { shiftLabels } from './model/shift-labels.js';
export {
  shiftedSparseAttention,
  shiftedGroupSize,
  type ShiftedSparseAttention,
  type AttendFn,
} from './model/shifted-sparse-attention.js';
export { rollSequence } from './model/roll-sequence.js';

// Evaluation
export {
  perplexity,
  perplexityWindows,
  type PerplexityOptions,
  type PerplexityResult,
} from './eval/perplexity.js';

// Generation
export { generate, type GenerationResult } from './generation/generate.js';
export {
  generateEvents,
  type GenerationEvent,
  type FinishReason,
  type StreamOptions,
} from './generation/generate-events.js';
export { streamText } from './generation/stream-text.js';
export {
  resolveGenerationSettings,
  type GenerateOptions,
  type GenerationSettings,
} from './generation/generation-settings.js';
export { leftPadBatch, type GenerationInput, type PaddedBatch } from './generation/left-pad-batch.js';
export { StopStringFilter } from './generation/stop-string-filter.js';

// Sampling: pure functions over one logits row (transformers' processors)
export {
  processLogits,
  selectNextToken,
  type SamplingSettings,
} from './generation/sampling/select-next-token.js';
export { applyRepetitionPenalty } from './generation/sampling/apply-repetition-penalty.js';
export { applyTemperature } from './generation/sampling/apply-temperature.js';
export { topKFilter } from './generation/sampling/top-k-filter.js';
export { topPFilter } from './generation/sampling/top-p-filter.js';
export { minPFilter } from './generation/sampling/min-p-filter.js';
export { softmaxRow } from './generation/sampling/softmax-row.js';
export { argmaxRow } from './generation/sampling/argmax-row.js';
export { sampleRow } from './generation/sampling/sample-row.js';

// Tiny models for tests and the demo
export { createTinyModel, type TinyModelOptions, type TinyModel } from './tiny/create-tiny-model.js';
export {
  byteLevelTokenizerJson,
  byteLevelTokenizerConfig,
  CHATML_TEMPLATE,
  TINY_SPECIAL_TOKENS,
} from './tiny/byte-level-tokenizer.js';
