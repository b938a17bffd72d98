// @medgpt/api: an OpenAI-compatible HTTP server (vLLM's behaviour: SSE streaming, finish_reason,
// usage, tool calls, errors) over @medgpt/serving's continuous-batching engine.

export { createApiServer, type ApiServer } from './create-api-server.js';
export type { ApiServerOptions, ApiLimits, ApiRagOptions } from './api-server-options.js';
export { ApiError } from './http/api-error.js';
export { ServedModels, type ModelCard } from './openai/served-models.js';
export {
  loadApiServer,
  parseLoraModule,
  type LoadApiServerOptions,
  type LoadedApiServer,
  type LoraModule,
} from './load-api-server.js';
