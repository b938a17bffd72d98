import type { ToolFormat } from './tool-format.js';
import { defaultToolFormat } from './tool-formats/default-tool-format.js';
import { glm4ToolFormat } from './tool-formats/glm4-tool-format.js';
import { llama3ToolFormat } from './tool-formats/llama3-tool-format.js';
import { mistralToolFormat } from './tool-formats/mistral-tool-format.js';
import { qwenToolFormat } from './tool-formats/qwen-tool-format.js';

// MedicalGPT's TOOLS dict: qwen3 and qwen3.5 are aliases of qwen.
const TOOL_FORMATS: Readonly<Record<string, ToolFormat>> = {
  default: defaultToolFormat,
  glm4: glm4ToolFormat,
  llama3: llama3ToolFormat,
  mistral: mistralToolFormat,
  qwen: qwenToolFormat,
  qwen3: qwenToolFormat,
  'qwen3.5': qwenToolFormat,
};

/** Valid `--tool_format` values. */
export const TOOL_FORMAT_NAMES: readonly string[] = Object.keys(TOOL_FORMATS);

/** MedicalGPT's `get_tool_utils(name)`; an unknown name throws, listing the valid ones. */
export function getToolFormat(name: string): ToolFormat {
  const format = Object.hasOwn(TOOL_FORMATS, name) ? TOOL_FORMATS[name] : undefined;
  if (!format)
    throw new Error(`Unknown tool format '${name}'. Valid names: ${TOOL_FORMAT_NAMES.join(', ')}.`);
  return format;
}
