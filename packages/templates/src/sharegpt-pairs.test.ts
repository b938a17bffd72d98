import { describe, expect, it } from 'vitest';
import { shareGptToPairs } from './sharegpt-pairs.js';
import { getToolFormat } from './tool-format-registry.js';
import type { ToolDefinition } from './tool-format.js';

const tool: ToolDefinition = {
  name: 'lookup',
  description: 'Look a drug up',
  parameters: { type: 'object', properties: { drug: { type: 'string' } }, required: ['drug'] },
};

describe('shareGptToPairs', () => {
  it('pairs questions with answers the way MedicalGPT does', () => {
    const { pairs } = shareGptToPairs({
      conversations: [
        { from: 'gpt', value: 'orphan answer' },
        { from: 'human', value: 'a' },
        { from: 'user', value: 'b' },
        { from: 'gpt', value: 'A' },
        { from: 'assistant', value: 'second answer in a row' },
        { from: 'critic', value: 'unknown role' },
        { from: 'human', value: 'c' },
        { from: 'gpt', value: 'C' },
        { from: 'human', value: 'unanswered' },
      ],
    });
    expect(pairs).toEqual([
      ['a\nb', 'A'],
      ['c', 'C'],
    ]);
  });

  it('takes the last system turn, else the system_prompt column', () => {
    const conversations = [
      { from: 'system', value: 'first' },
      { from: 'system', value: 'second' },
      { from: 'human', value: 'q' },
      { from: 'gpt', value: 'a' },
    ];
    expect(shareGptToPairs({ conversations, system_prompt: 'column' }).systemPrompt).toBe('second');
    expect(
      shareGptToPairs({ conversations: conversations.slice(2), system_prompt: 'column' }).systemPrompt,
    ).toBe('column');
    expect(shareGptToPairs({ conversations: conversations.slice(2), system_prompt: null }).systemPrompt).toBe(
      '',
    );
  });

  it('appends tools to the system prompt only with a tool format', () => {
    const conversations = [
      { from: 'system', value: 'S' },
      { from: 'human', value: 'q' },
      { from: 'gpt', value: 'a' },
    ];
    const tools = JSON.stringify([tool]);
    expect(shareGptToPairs({ conversations, tools }).systemPrompt).toBe('S');
    const qwen = getToolFormat('qwen').formatTools([tool]);
    expect(shareGptToPairs({ conversations, tools }, { toolFormat: 'qwen' }).systemPrompt).toBe(
      `S\n\n${qwen}`,
    );
    expect(shareGptToPairs({ conversations, tools: [tool] }, { toolFormat: 'qwen' }).systemPrompt).toBe(
      `S\n\n${qwen}`,
    );
    // Tools text wins over the system_prompt column, which only fills an empty system.
    const noSystem = { conversations: conversations.slice(1), tools, system_prompt: 'column' };
    expect(shareGptToPairs(noSystem, { toolFormat: 'qwen' }).systemPrompt).toBe(qwen);
    expect(shareGptToPairs({ conversations, tools: '[]' }, { toolFormat: 'qwen' }).systemPrompt).toBe('S');
  });

  it('turns calls and observations into assistant and user text', () => {
    const { pairs } = shareGptToPairs(
      {
        conversations: [
          { from: 'human', value: 'dose of aspirin?' },
          { from: 'function_call', value: '{"name": "lookup", "arguments": {"drug": "aspirin"}}' },
          { from: 'observation', value: '"325 mg"' },
          { from: 'gpt', value: '325 mg.' },
        ],
      },
      { toolFormat: 'qwen' },
    );
    expect(pairs).toEqual([
      ['dose of aspirin?', '<tool_call>\n{"name": "lookup", "arguments": {"drug": "aspirin"}}\n</tool_call>'],
      ['<tool_response>\n"325 mg"\n</tool_response>', '325 mg.'],
    ]);
  });

  it('rejects an unknown tool format and malformed tools', () => {
    const row = { conversations: [{ from: 'human', value: 'q' }] };
    expect(() => shareGptToPairs(row, { toolFormat: 'qwen2' })).toThrow(/Unknown tool format 'qwen2'/);
    expect(() => shareGptToPairs({ ...row, tools: '[{' }, { toolFormat: 'qwen' })).toThrow(
      /tools is not a JSON/,
    );
  });
});
