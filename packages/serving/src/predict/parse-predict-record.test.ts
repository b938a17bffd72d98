import { describe, expect, it } from 'vitest';
import { parsePredictRecord } from './parse-predict-record.js';

describe('parsePredictRecord', () => {
  it('asks the last user turn of a conversation, with the turns before it as history', () => {
    const conversations = [
      { from: 'system', value: 'S' },
      { from: 'human', value: 'Q1' },
      { from: 'gpt', value: 'A1' },
      { from: 'human', value: 'Q2' },
      { from: 'gpt', value: 'reference answer' },
    ];
    expect(parsePredictRecord({ conversations })).toEqual({
      input: 'Q2',
      history: [['Q1', 'A1']],
      system: 'S',
    });
    expect(parsePredictRecord({ conversations: conversations.slice(1, 4), system_prompt: 'P' })).toEqual({
      input: 'Q2',
      history: [['Q1', 'A1']],
      system: 'P',
    });
    const messages = [
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'Q2' },
    ];
    expect(parsePredictRecord({ messages })).toEqual({ input: 'Q2', history: [['Q1', 'A1']] });
  });

  it('reads Alpaca records, single-question fields and bare strings', () => {
    expect(parsePredictRecord({ instruction: 'I', input: 'x', output: 'O', system: 'S' })).toEqual({
      input: 'I\n\nx',
      history: [],
      system: 'S',
    });
    expect(parsePredictRecord({ instruction: 'I', input: ' ', history: [['q', 'a']] })).toEqual({
      input: 'I',
      history: [['q', 'a']],
    });
    expect(parsePredictRecord({ Input: '介绍下北京', Output: 'old' })).toEqual({
      input: '介绍下北京',
      history: [],
    });
    expect(parsePredictRecord({ question: 'Q', answer: '42' })).toEqual({ input: 'Q', history: [] });
    expect(parsePredictRecord('Q')).toEqual({ input: 'Q', history: [] });
  });

  it('says which field is wrong and what it should be', () => {
    expect(parsePredictRecord({ conversations: [{ from: 'gpt', value: 'A' }] })).toEqual({
      error: { field: 'conversations[0].from', message: 'is "gpt"', expected: 'a user turn (human/user)' },
    });
    expect(parsePredictRecord({ conversations: [{ from: 'human', value: 1 }] })).toEqual({
      error: { field: 'conversations[0].value', message: 'is a number', expected: 'a string' },
    });
    expect(parsePredictRecord({ instruction: '  ' })).toMatchObject({
      error: { field: 'instruction', message: 'is empty' },
    });
    expect(parsePredictRecord({ foo: 1 })).toMatchObject({
      error: { message: 'has none of the fields predict reads (keys: foo)' },
    });
    expect(parsePredictRecord([1])).toMatchObject({ error: { message: 'is an array' } });
    expect(parsePredictRecord({ instruction: 'I', history: ['x'] })).toMatchObject({
      error: { field: 'history' },
    });
  });
});
