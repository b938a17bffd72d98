import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FunctionCall, ToolDefinition } from './tool-format.js';
import { getToolFormat, TOOL_FORMAT_NAMES } from './tool-format-registry.js';
import { renderFunctionCall, wrapObservation } from './tool-messages.js';

// Computed by MedicalGPT's tool_utils.py (scripts/gen_medicalgpt_golden.py), date fixed.
const golden = JSON.parse(readFileSync(new URL('./fixtures/medicalgpt-golden.json', import.meta.url), 'utf8'))
  .tool_formats as {
  date: string;
  tools: ToolDefinition[];
  calls: [string, string][];
  formats: Record<
    string,
    {
      tool_formatter: string;
      function_formatter_single: string;
      function_formatter_parallel?: string;
      function_formatter_parallel_error?: string;
      extracted: (string | [string, string][])[];
    }
  >;
};
const date = new Date(golden.date);
const calls: FunctionCall[] = golden.calls.map(([name, args]) => ({ name, arguments: args }));
const asPairs = (r: FunctionCall[] | string) =>
  typeof r === 'string' ? r : r.map((c) => [c.name, c.arguments]);

describe('tool formats', () => {
  it('lists the MedicalGPT --tool_format names', () => {
    expect(TOOL_FORMAT_NAMES).toEqual(['default', 'glm4', 'llama3', 'mistral', 'qwen', 'qwen3', 'qwen3.5']);
    expect(getToolFormat('qwen3')).toBe(getToolFormat('qwen'));
    expect(() => getToolFormat('openai')).toThrow(/Unknown tool format 'openai'.*default, glm4/);
    expect(() => getToolFormat('toString')).toThrow(/Unknown tool format/);
  });

  it.each(Object.entries(golden.formats))('%s matches tool_utils.py', (name, expected) => {
    const format = getToolFormat(name);
    expect(format.formatTools(golden.tools, { date })).toBe(expected.tool_formatter);
    expect(format.formatFunctionCalls(calls.slice(0, 1))).toBe(expected.function_formatter_single);
    if (expected.function_formatter_parallel_error) {
      expect(() => format.formatFunctionCalls(calls)).toThrow(expected.function_formatter_parallel_error);
    } else {
      expect(format.formatFunctionCalls(calls)).toBe(expected.function_formatter_parallel);
    }
    const texts = [
      expected.function_formatter_single,
      expected.function_formatter_parallel ?? '',
      'plain answer',
    ];
    expect(texts.map((t) => asPairs(format.extractFunctionCalls(t)))).toEqual(expected.extracted);
  });

  it('round-trips calls through every format', () => {
    for (const name of TOOL_FORMAT_NAMES) {
      const format = getToolFormat(name);
      expect(format.extractFunctionCalls(format.formatFunctionCalls(calls.slice(0, 1)))).toEqual(
        calls.slice(0, 1),
      );
    }
  });

  it('explains a tool the default format cannot describe', () => {
    expect(() => getToolFormat('default').formatTools([{ name: 'bare' }])).toThrow(
      /'bare' has no parameters/,
    );
  });

  it('wraps observations by exact format name, as MedicalGPT does', () => {
    expect(wrapObservation('R', 'qwen')).toBe('<tool_response>\nR\n</tool_response>');
    expect(wrapObservation('R', 'qwen3')).toBe('Observation: R'); // the exact-string comparison quirk
    expect(wrapObservation('R', 'glm4')).toBe('<|observation|>\nR');
    expect(wrapObservation('{"t": 1}', 'mistral')).toBe(
      '[TOOL_RESULTS] {"content": {"t": 1}}[/TOOL_RESULTS]',
    );
    expect(wrapObservation('R', null)).toBe('Observation: R');
  });

  it('renders ShareGPT function_call values', () => {
    const value = JSON.stringify({ name: 'get_weather', arguments: { city: '北京', days: 2 } });
    expect(renderFunctionCall(value)).toBe('Action: get_weather\nAction Input: {"city": "北京", "days": 2}');
    expect(renderFunctionCall(value, 'default')).toBe(
      'Action: get_weather\nAction Input: {"city": "北京", "days": 2}\n',
    );
    expect(renderFunctionCall(value, 'qwen')).toBe(
      getToolFormat('qwen').formatFunctionCalls([
        { name: 'get_weather', arguments: '{"city": "北京", "days": 2}' },
      ]),
    );
    expect(renderFunctionCall('{"tool": "x"}', 'qwen')).toBe('{"tool": "x"}');
    expect(() => renderFunctionCall('not json')).toThrow(/function_call value is not JSON/);
  });
});
