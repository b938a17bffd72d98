import type { Architecture } from './architecture.js';
import { baichuan } from './baichuan/baichuan.js';
import { gemma2 } from './gemma2/gemma2.js';
import { gemma3 } from './gemma3/gemma3.js';
import { llama } from './llama/llama.js';
import { mistral } from './mistral/mistral.js';
import { mixtral } from './mixtral/mixtral.js';
import { qwen2 } from './qwen2/qwen2.js';
import { qwen3 } from './qwen3/qwen3.js';
import { qwen3Moe } from './qwen3-moe/qwen3-moe.js';

/** Supported decoders by config.json `model_type`. A new architecture is a folder plus a line here. */
export const ARCHITECTURES: ReadonlyMap<string, Architecture> = new Map(
  [llama, qwen2, qwen3, mistral, mixtral, qwen3Moe, gemma2, gemma3, baichuan].map((a) => [a.modelType, a]),
);

/** model_types refused with a reason more useful than "not supported". */
export const REFUSED_MODEL_TYPES: ReadonlyMap<string, string> = new Map([
  [
    'gemma3',
    "'gemma3' is the multimodal Gemma3ForConditionalGeneration (text_config nested); only the text-only " +
      'Gemma3ForCausalLM (model_type gemma3_text, e.g. gemma-3-1b) is supported',
  ],
]);

/** The architecture of `modelType`, or undefined. */
export function findArchitecture(modelType: string): Architecture | undefined {
  return ARCHITECTURES.get(modelType);
}
