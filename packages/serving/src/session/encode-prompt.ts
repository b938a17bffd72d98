import type { Tokenizer } from '@medgpt/tokenizer';

/**
 * Token ids of a rendered prompt, as inference.py's `tokenizer(prompt)`: with the tokenizer's special
 * tokens (Llama's `<s>`, which templates such as `llama3` rely on). A chat template that already
 * writes the BOS token would get it twice that way; the duplicate is dropped.
 */
export function encodePrompt(tokenizer: Tokenizer, prompt: string): number[] {
  const ids = tokenizer.encode(prompt);
  const bos = tokenizer.bosTokenId;
  const bosText = tokenizer.bosToken;
  if (bos !== null && bosText !== null && ids[0] === bos && ids[1] === bos && prompt.startsWith(bosText))
    return ids.slice(1);
  return ids;
}
