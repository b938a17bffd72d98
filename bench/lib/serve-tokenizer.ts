import { byteLevelTokenizerConfig, byteLevelTokenizerJson } from '@medgpt/models';
import { Tokenizer, type BpeModelJson } from '@medgpt/tokenizer';

/**
 * A tokenizer that knows every id of a `vocabSize` vocabulary, for the serving benchmark's random
 * model (whose greedy ids land anywhere in it): models' byte-level tokenizer (ids 0..255 the bytes,
 * then its three special tokens), with ids from 259 on as the plain tokens `x259`, `x260`, ... that
 * decode to that text. So every generated token streams through the real detokenizer, as in serving.
 */
export function wideTokenizer(vocabSize: number, modelMaxLength: number): Tokenizer {
  const json = byteLevelTokenizerJson();
  const model = json.model as unknown as BpeModelJson;
  // Added tokens inside the model's ids must be in model.vocab too (as in Qwen's own tokenizer.json).
  for (const t of json.added_tokens) model.vocab[t.content] = t.id;
  for (let id = 256 + json.added_tokens.length; id < vocabSize; id++) model.vocab[`x${id}`] = id;
  return Tokenizer.fromFiles({
    tokenizerJson: json,
    tokenizerConfig: byteLevelTokenizerConfig(modelMaxLength),
  });
}
