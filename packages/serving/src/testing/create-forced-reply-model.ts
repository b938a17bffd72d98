import { tf } from '@medgpt/core-tensor';
import { createTinyModel, loadModel, saveModel } from '@medgpt/models';

export interface ForcedReplyOptions {
  /** Characters after which the reply starts, e.g. the `\n` that ends ChatML's `<|im_start|>assistant\n`. */
  readonly after: string;
  /** The reply the model writes, one byte token at a time; distinct bytes, none of them in `after`. */
  readonly reply: string;
  /** The token that follows the reply. Default `<|im_end|>`, the tiny tokenizer's eos. */
  readonly end?: string;
}

/**
 * Writes a tiny Qwen2-shaped model whose greedy continuation is fixed: after any character of
 * `after` it writes `reply` and then `end`. It is a real checkpoint run by the real forward pass; its
 * weights make it a bigram model: every attention and MLP output projection is zero, so the final
 * hidden state is the current token's embedding, a one-hot "slot" per source token, and the LM head
 * maps each slot to its successor (logit 8 against 0 for every other token).
 */
export async function createForcedReplyModel(dir: string, options: ForcedReplyOptions): Promise<void> {
  const made = await createTinyModel({ architecture: 'qwen2', tieWordEmbeddings: false, seed: 1 }, dir);
  const tok = made.tokenizer;
  const bytes = (text: string) => tok.encode(text, { addSpecialTokens: false });
  const endId = tok.tokenToId(options.end ?? '<|im_end|>');
  if (endId === undefined) throw new Error(`createForcedReplyModel: no token ${options.end}`);
  const reply = bytes(options.reply);
  const successor = new Map<number, number>();
  for (const id of bytes(options.after)) successor.set(id, reply[0] ?? endId);
  reply.forEach((id, i) => {
    if (successor.has(id)) throw new Error(`createForcedReplyModel: byte ${id} of the reply is used twice`);
    successor.set(id, reply[i + 1] ?? endId);
  });
  const { vocabSize, hiddenSize, numHiddenLayers } = made.config;
  if (successor.size >= hiddenSize) throw new Error('createForcedReplyModel: more sources than hidden units');
  const embed = new Float32Array(vocabSize * hiddenSize);
  const head = new Float32Array(vocabSize * hiddenSize);
  [...successor].forEach(([source, target], slot) => {
    embed[source * hiddenSize + slot] = 1;
    head[target * hiddenSize + slot] = 1;
  });
  const model = await loadModel(dir);
  try {
    model.setWeight('model.embed_tokens.weight', tf.tensor2d(embed, [vocabSize, hiddenSize]));
    model.setWeight('lm_head.weight', tf.tensor2d(head, [vocabSize, hiddenSize]));
    for (let layer = 0; layer < numHiddenLayers; layer++) {
      for (const name of ['self_attn.o_proj', 'mlp.down_proj']) {
        const key = `model.layers.${layer}.${name}.weight`;
        model.setWeight(key, tf.zerosLike(model.weight(key)));
      }
    }
    await saveModel(model, dir);
  } finally {
    model.dispose();
  }
}
