import { TokenizerError } from './tokenizer-error.js';
import type { TokenizerJson } from './tokenizer-json.js';

/**
 * tokenizers (Rust, hence Python and transformers) does not read the ids written in
 * `added_tokens`: on load it gives each added token its id in model.vocab if it has one, else the
 * next id after the model's vocabulary and the added tokens so far. A file whose ids disagree loads
 * with other ids there than in @huggingface/tokenizers, so it is refused here with the fix.
 */
export function checkAddedTokenIds(json: TokenizerJson, file: string): void {
  const vocab = json.model.vocab;
  const modelSize = Array.isArray(vocab) ? vocab.length : Object.keys(vocab as object).length;
  // Unigram vocabularies are [piece, score] lists: index them once.
  const unigram = Array.isArray(vocab)
    ? new Map(vocab.map((entry, i) => [Array.isArray(entry) ? String(entry[0]) : '', i]))
    : null;
  const modelId = (token: string): number | undefined => {
    if (unigram) return unigram.get(token);
    return Object.hasOwn(vocab as object, token) ? (vocab as Record<string, number>)[token] : undefined;
  };
  const assigned = new Map<string, number>();
  let maxId = -1;
  json.added_tokens.forEach((token, i) => {
    let id = modelId(token.content) ?? assigned.get(token.content);
    if (id === undefined) id = maxId < 0 || (maxId < modelSize && modelSize > 0) ? modelSize : maxId + 1;
    if (id !== token.id) {
      throw new TokenizerError(
        `id ${token.id} of ${JSON.stringify(token.content)} is not the id tokenizers gives it (${id})`,
        {
          file,
          field: `added_tokens[${i}].id`,
          expected: `${id}: an added token absent from model.vocab gets the next id after the model's ${modelSize} tokens and the added tokens before it`,
          hint: `Put ${JSON.stringify(token.content)} into model.vocab with id ${token.id}`,
        },
      );
    }
    assigned.set(token.content, id);
    maxId = Math.max(maxId, id);
  });
}
