import type { Architecture } from './architecture.js';
import { llama } from './llama/llama.js';
import { mistral } from './mistral/mistral.js';
import { mixtral } from './mixtral/mixtral.js';
import { qwen2 } from './qwen2/qwen2.js';
import { qwen3 } from './qwen3/qwen3.js';
import { qwen3Moe } from './qwen3-moe/qwen3-moe.js';

/** Supported decoders by config.json `model_type`. A new architecture is a folder plus a line here. */
export const ARCHITECTURES: ReadonlyMap<string, Architecture> = new Map(
  [llama, qwen2, qwen3, mistral, mixtral, qwen3Moe].map((a) => [a.modelType, a]),
);

/** The architecture of `modelType`, or undefined. */
export function findArchitecture(modelType: string): Architecture | undefined {
  return ARCHITECTURES.get(modelType);
}
