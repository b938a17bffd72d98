import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel, generate, loadModel, saveModel, streamText } from '@medgpt/models';
import { loadTokenizer } from '@medgpt/tokenizer';

await tf.setBackend('cpu');
const dir = await mkdtemp(join(tmpdir(), 'medgpt-quickstart-'));

// 1. A tiny Qwen2-shaped model with a byte-level tokenizer (any local HF model dir loads the same way).
await createTinyModel({ architecture: 'qwen2', seed: 0 }, join(dir, 'tiny'));
const model = await loadModel(join(dir, 'tiny'));
const tokenizer = await loadTokenizer(join(dir, 'tiny'));

// 2. Training forward: transformers' shifted causal-LM loss, without materialising the logits.
const ids = tokenizer.encode('Fever is a body temperature above 38 °C.');
const loss = tf.tidy(() => {
  const inputIds = tf.tensor2d([ids], undefined, 'int32');
  return model.loss({ inputIds }, inputIds).dataSync()[0]!;
});
console.log(`loss ${loss.toFixed(3)} (ln(vocab) = ${Math.log(model.config.vocabSize).toFixed(3)})`);

// 3. Batched generation with a KV cache; prompts are left-padded.
const prompts = ['A fever is', '发热是'].map((p) => tokenizer.encode(p));
const { tokenIds } = await generate(model, prompts, { maxNewTokens: 8, doSample: true, topP: 0.9, seed: 1 });
console.log(tokenIds.map((t) => t.length));

// 4. Streaming text deltas (UTF-8 safe).
let text = '';
for await (const delta of streamText(model, tokenizer, 'Cough', { maxNewTokens: 12, doSample: false }))
  text += delta;
console.log(`streamed ${[...text].length} characters`);

// 5. Save in transformers' layout (here as bf16, in shards of at most 100 kB, with an index).
const saved = await saveModel(model, join(dir, 'saved'), { dtype: 'bfloat16', maxShardSize: 100_000 });
console.log(`${saved.files.length} shards`);

model.dispose();
await rm(dir, { recursive: true, force: true });
