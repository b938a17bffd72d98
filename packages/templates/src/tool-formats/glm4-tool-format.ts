import type { FunctionCall, ToolDefinition, ToolFormat } from '../tool-format.js';
import { pythonJsonDumps } from '../python-json.js';
import { functionCall, tryParseJson } from './parse-json-call.js';

const GLM4_TOOL_PROMPT =
  '你是一个名为 ChatGLM 的人工智能助手。你是基于智谱AI训练的语言模型 GLM-4 模型开发的，' +
  '你的任务是针对用户的问题和要求提供适当的答复和支持。# 可用工具';

/** GLM-4: each schema as indented JSON under `## name`; a call is `name\n{arguments}`. */
export const glm4ToolFormat: ToolFormat = {
  name: 'glm4',

  formatTools(tools: readonly ToolDefinition[]): string {
    const toolText = tools
      .map(
        (tool) =>
          `\n\n## ${tool.name}\n\n${pythonJsonDumps(tool, { indent: 4 })}\n在调用上述函数时，请使用 Json 格式表示调用的参数。`,
      )
      .join('');
    return GLM4_TOOL_PROMPT + toolText;
  },

  formatFunctionCalls(calls: readonly FunctionCall[]): string {
    if (calls.length > 1) throw new Error('GLM-4 does not support parallel functions.');
    const [call] = calls;
    if (!call) throw new Error('GLM-4 function formatter needs one call');
    return `${call.name}\n${call.arguments}`;
  },

  extractFunctionCalls(text: string): FunctionCall[] | string {
    const newline = text.indexOf('\n');
    if (newline < 0) return text;
    const parsed = tryParseJson(text.slice(newline + 1).trim());
    return parsed ? [functionCall(text.slice(0, newline), parsed.value)] : text;
  },
};
