import { byteLevelTokenizerConfig, byteLevelTokenizerJson, CHATML_TEMPLATE } from '@medgpt/models';
import { ChatTemplate, getConversationTemplate } from '@medgpt/templates';
import { Tokenizer, type TokenizerJson } from '@medgpt/tokenizer';
import { describe, expect, it } from 'vitest';
import { encodePrompt } from './encode-prompt.js';

const BOS = '<|endoftext|>';

/** The tiny byte-level tokenizer made to add a BOS as Llama-3's official tokenizer.json does. */
function tokenizerWithBos(): Tokenizer {
  const json = byteLevelTokenizerJson();
  const bosId = json.added_tokens.find((t) => t.content === BOS)!.id;
  const single = [{ SpecialToken: { id: BOS, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }];
  const postProcessor = {
    type: 'TemplateProcessing',
    single,
    pair: [...single, { Sequence: { id: 'B', type_id: 1 } }],
    special_tokens: { [BOS]: { id: BOS, ids: [bosId], tokens: [BOS] } },
  };
  return Tokenizer.fromFiles({
    tokenizerJson: { ...json, post_processor: postProcessor } as unknown as TokenizerJson,
    tokenizerConfig: { ...byteLevelTokenizerConfig(512), bos_token: BOS },
  });
}

describe('encodePrompt', () => {
  it('starts every prompt with exactly one BOS, whether the template writes it or not', () => {
    const tokenizer = tokenizerWithBos();
    const bos = tokenizer.bosTokenId!;
    // A chat template that writes the BOS itself (as Llama-3's does): tokenizer(prompt) doubles it.
    const chat = new ChatTemplate(`{{ bos_token }}${CHATML_TEMPLATE}`, { bos_token: BOS });
    const rendered = chat.render([{ role: 'user', content: 'Fever?' }], { addGenerationPrompt: true });
    expect(tokenizer.encode(rendered).slice(0, 2)).toEqual([bos, bos]);
    expect(encodePrompt(tokenizer, rendered)).toEqual(
      tokenizer.encode(rendered, { addSpecialTokens: false }),
    );
    // A named template without it (MedicalGPT's llama3): the tokenizer adds it, as inference.py relies on.
    const named = getConversationTemplate('llama3').formatPrompt([['Fever?', '']]);
    expect(encodePrompt(tokenizer, named)).toEqual([
      bos,
      ...tokenizer.encode(named, { addSpecialTokens: false }),
    ]);
  });
});
