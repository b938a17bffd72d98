// @medgpt/serving: inference over @medgpt/models. MedicalGPT's inference session (demo/inference.py's
// prompt formats, stop rules and generation settings, LoRA), chat and batch prediction, and the
// continuous-batching engine the CLI and the API server answer with.

export { ServingError, type ServingErrorCode } from './serving-error.js';

// The inference session (demo/inference.py's setup)
export type { InferenceSettings, DirRequest, ResolveDir } from './session/inference-settings.js';
export { InferenceSession, type LoadSessionOptions } from './session/inference-session.js';
export {
  MEDICALGPT_GENERATION_DEFAULTS,
  resolveGenerationFlags,
  checkGenerationFlags,
} from './session/generation-flags.js';
export { encodePrompt } from './session/encode-prompt.js';
export { namedTemplateFormat, chatTemplateFormat, type PromptFormat } from './session/prompt-format.js';
export { resolveStopSettings, type StopSettings, type StopSettingsInput } from './session/stop-settings.js';
export { templateEosWarnings, type TemplateEosWarningInput } from './session/template-eos-warnings.js';
export { loadLoraModel, type LoadLoraModelInput, type LoraModel } from './session/load-lora-model.js';

// Answers from documents (chatpdf.py): retrieval with @medgpt/rag, a cited prompt, a streamed answer
export {
  answerFromDocuments,
  type DocumentAnswer,
  type DocumentAnswerOptions,
} from './rag/answer-from-documents.js';
export { embedTexts, type EmbedTextsOptions } from './rag/embed-texts.js';
export { TextEmbedder, type LoadTextEmbedderOptions } from './rag/text-embedder.js';
export {
  citeLastUserTurn,
  NO_PASSAGES_REPLY,
  type CitedChat,
  type CiteOptions,
} from './rag/cite-last-user-turn.js';
export {
  openDocumentRetriever,
  type DocumentRetrieverOptions,
  type OpenedDocuments,
} from './rag/open-document-retriever.js';
// The retriever shape every answer-from-documents path takes (BM25, dense or fused), from @medgpt/rag.
export type { Retriever, SearchHit } from '@medgpt/rag';

// Chat: multi-turn history and streamed replies
export { ChatSession, type ChatSessionOptions } from './chat/chat-session.js';
export { streamReply, type Reply, type ReplyEnd } from './chat/stream-reply.js';

// Batch prediction (demo/inference.py without --interactive)
export {
  describePredictError,
  type PredictExample,
  type PredictLineError,
} from './predict/predict-example.js';
export { parsePredictRecord, PREDICT_FIELDS } from './predict/parse-predict-record.js';
export {
  readPredictLines,
  builtInLines,
  isJsonLinesFile,
  BUILT_IN_EXAMPLES,
  type PredictLine,
} from './predict/read-predict-lines.js';
export {
  runPredict,
  type PredictRunOptions,
  type PredictSummary,
  type PredictOutput,
} from './predict/run-predict.js';

// Test support: tiny checkpoints with a known answer
export { createForcedReplyModel, type ForcedReplyOptions } from './testing/create-forced-reply-model.js';

// The engine: continuous batching over a slot KV cache written in place
export { InferenceEngine, type EngineOptions, type EngineStats } from './engine/inference-engine.js';
export { GenerationStream } from './engine/generation-stream.js';
export type {
  GenerationRequest,
  GenerationChunk,
  GenerationChoice,
  GenerationResult,
  EngineFinishReason,
} from './engine/generation-request.js';
export { SlotKvCache, type SlotRow, type SlotStep } from './engine/slot-kv-cache.js';
